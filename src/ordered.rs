//! Runs a parallel stage whose results must be taken in order, used by `load` between
//! parsing files (independent, on every core) and registering their names (serial, in
//! file order, because the first file to give a name keeps it).
//!
//! It exists because handing the work over in batches left a core idle at the end of
//! every batch: the registering side waited for the slowest file of the next batch, and
//! the parsing side for the registration to finish. Here the parsing threads take files
//! one after another as they come free, and the calling thread takes each result as soon
//! as it and those before it are there.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};

/// Calls `produce(i)` for every `i` in `0..n` on rayon's threads, and `consume(i, result)`
/// on the calling thread, in order of `i`, each as soon as its result is ready. At most
/// `window` results are produced ahead of the one being consumed, which bounds the memory
/// they hold. A panic in `produce` is raised again in the caller.
pub fn for_each_in_order<T, P, C>(n: usize, window: usize, produce: P, mut consume: C)
where
    T: Send,
    P: Fn(usize) -> T + Sync,
    C: FnMut(usize, T),
{
    // A caller that is itself one of rayon's threads would wait for results while holding
    // a thread the producers may need, so it works in turn instead.
    if n <= 1 || rayon::current_thread_index().is_some() {
        for i in 0..n {
            consume(i, produce(i));
        }
        return;
    }
    let window = window.max(1);
    struct State<T> {
        /// Results produced and not yet consumed, by index.
        ready: Vec<Option<std::thread::Result<T>>>,
        /// Indexes below this have been taken by the consumer.
        taken: usize,
    }
    let state = Mutex::new(State {
        ready: (0..n).map(|_| None).collect(),
        taken: 0,
    });
    // Signalled when a result is stored, and when the consumer takes one.
    let stored = Condvar::new();
    let taken = Condvar::new();
    let next = AtomicUsize::new(0);
    let lock = || state.lock().unwrap_or_else(PoisonError::into_inner);
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                break;
            }
            let mut s = lock();
            while i >= s.taken + window {
                s = taken.wait(s).unwrap_or_else(PoisonError::into_inner);
            }
            if s.taken == n {
                // The consumer has stopped (see `Stop`).
                break;
            }
            drop(s);
            let result = catch_unwind(AssertUnwindSafe(|| produce(i)));
            lock().ready[i] = Some(result);
            stored.notify_all();
        }
    };
    // However the consumer leaves, by finishing or by a panic, the producers must not be
    // left waiting for room it will never make.
    struct Stop<'a, F: Fn()>(&'a F);
    impl<F: Fn()> Drop for Stop<'_, F> {
        fn drop(&mut self) {
            (self.0)()
        }
    }
    let stop = || {
        next.store(n, Ordering::Relaxed);
        lock().taken = n;
        taken.notify_all();
    };
    // The producers run on rayon's threads; this closure, the consumer, on the calling one.
    rayon::in_place_scope(|scope| {
        for _ in 0..rayon::current_num_threads() {
            scope.spawn(|_| work());
        }
        let _stop = Stop(&stop);
        for i in 0..n {
            let result = {
                let mut s = lock();
                loop {
                    if let Some(result) = s.ready[i].take() {
                        s.taken = i + 1;
                        break result;
                    }
                    s = stored.wait(s).unwrap_or_else(PoisonError::into_inner);
                }
            };
            taken.notify_all();
            match result {
                Ok(t) => consume(i, t),
                Err(panic) => resume_unwind(panic),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn results_are_consumed_in_order_whatever_order_they_are_produced_in() {
        let mut seen = Vec::new();
        for_each_in_order(
            50,
            4,
            |i| {
                // Early items take longest, so later ones are ready first.
                std::thread::sleep(std::time::Duration::from_micros(((50 - i) * 40) as u64));
                i * 10
            },
            |i, v| seen.push((i, v)),
        );
        let expected: Vec<(usize, usize)> = (0..50).map(|i| (i, i * 10)).collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn no_more_than_the_window_is_produced_ahead() {
        let produced = AtomicUsize::new(0);
        let mut worst = 0;
        for_each_in_order(
            40,
            3,
            |_| produced.fetch_add(1, Ordering::SeqCst),
            |i, _| {
                std::thread::sleep(std::time::Duration::from_micros(200));
                // Produced so far, beyond those consumed before this one and this one.
                worst = worst.max(produced.load(Ordering::SeqCst) - (i + 1));
            },
        );
        assert!(
            worst <= 3,
            "{worst} results were produced ahead of a window of 3"
        );
        assert_eq!(produced.load(Ordering::SeqCst), 40);
    }

    #[test]
    fn a_panic_while_producing_reaches_the_caller() {
        let consumed = AtomicUsize::new(0);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            for_each_in_order(
                20,
                2,
                |i| {
                    if i == 7 {
                        panic!("item 7");
                    }
                    i
                },
                |_, _| {
                    consumed.fetch_add(1, Ordering::SeqCst);
                },
            )
        }));
        let panic = outcome.expect_err("the producer's panic is raised again");
        assert_eq!(panic.downcast_ref::<&str>(), Some(&"item 7"));
        assert_eq!(
            consumed.load(Ordering::SeqCst),
            7,
            "items before it are consumed"
        );
    }

    #[test]
    fn a_panic_while_consuming_leaves_no_producer_waiting() {
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            for_each_in_order(
                100,
                2,
                |i| i,
                |i, _| {
                    if i == 3 {
                        panic!("consumer");
                    }
                },
            )
        }));
        assert!(
            outcome.is_err(),
            "the consumer's panic is raised, not a hang"
        );
    }

    #[test]
    fn inside_rayon_it_works_in_turn() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let mut seen = Vec::new();
        pool.install(|| for_each_in_order(10, 2, |i| i, |i, v| seen.push((i, v))));
        assert_eq!(seen, (0..10).map(|i| (i, i)).collect::<Vec<_>>());
    }
}

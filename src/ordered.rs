//! Runs a parallel stage whose results must be taken in order, used by `load` between
//! parsing files (independent, on every core) and registering their names (serial, in
//! file order, because the first file to give a name keeps it).
//!
//! It exists because handing the work over in batches left a core idle at the end of
//! every batch: the registering side waited for the slowest file of the next batch, and
//! the parsing side for the registration to finish. Here the parsing threads take files
//! in order as they come free, and the calling thread takes each result as soon as it
//! and those before it are there.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
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
    // Results produced and not yet consumed, by index.
    let ready: Mutex<Vec<Option<std::thread::Result<T>>>> =
        Mutex::new((0..n).map(|_| None).collect());
    // Signalled when a result is stored.
    let stored = Condvar::new();
    let lock = || ready.lock().unwrap_or_else(PoisonError::into_inner);
    // The producers run on rayon's threads; this closure, the consumer, on the calling
    // one. Only the consumer ever waits. A producer must not: a rayon thread waiting in a
    // join inside one producer (parsing a file in parts) may take up another producer on
    // the same stack, and if that one waited for the consumer, the consumer would wait
    // for the first forever. So the window is kept by the consumer, which starts the
    // producer of item `i + window` only once it has taken item `i`.
    rayon::in_place_scope(|scope| {
        let start = |i: usize| {
            let (produce, lock, stored) = (&produce, &lock, &stored);
            scope.spawn(move |_| {
                let result = catch_unwind(AssertUnwindSafe(|| produce(i)));
                lock()[i] = Some(result);
                stored.notify_all();
            })
        };
        for i in 0..window.min(n) {
            start(i);
        }
        for i in 0..n {
            let result = {
                let mut ready = lock();
                loop {
                    if let Some(result) = ready[i].take() {
                        break result;
                    }
                    ready = stored.wait(ready).unwrap_or_else(PoisonError::into_inner);
                }
            };
            if i + window < n {
                start(i + window);
            }
            match result {
                Ok(t) => consume(i, t),
                // The producers already started finish on their own; no others start.
                Err(panic) => resume_unwind(panic),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

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

    /// Producers that use rayon themselves (as parsing a file in parts does) must not
    /// deadlock: a thread waiting inside one producer's join may pick up another
    /// producer, so no producer may block waiting for the consumer. A hang fails here
    /// after a timeout instead of stopping the test run.
    #[test]
    fn producers_with_nested_parallelism_never_deadlock() {
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for _ in 0..20 {
                let mut seen = 0;
                for_each_in_order(
                    40,
                    1,
                    |i| {
                        let pause = std::time::Duration::from_micros(50);
                        let (a, b) = rayon::join(
                            || {
                                std::thread::sleep(pause);
                                i
                            },
                            || {
                                std::thread::sleep(pause * 3);
                                i
                            },
                        );
                        a + b
                    },
                    |i, v| {
                        assert_eq!(v, 2 * i);
                        seen += 1;
                    },
                );
                assert_eq!(seen, 40);
            }
            done.send(()).unwrap();
        });
        finished
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("for_each_in_order deadlocked");
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

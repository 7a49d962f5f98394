//! The process's memory allocator: the system's (glibc's) malloc until a knowledge
//! directory is loaded, mimalloc from then on. `main` installs it as the global
//! allocator; `cli::load_graph` switches it with [`use_mimalloc`] before it loads a
//! `--graph` directory.
//!
//! Why two. A one-shot question on the built-in graph is over in about a millisecond,
//! and the system allocator costs it nothing to start, while mimalloc in charge of every
//! allocation made each start about 0.5 ms slower (docs/performance.md). Loading a large
//! directory is the opposite: hundreds of thousands of small strings made on two threads.
//! There glibc's per-thread heaps grow a page at a time (an `mprotect` call each), while
//! mimalloc takes memory in large spans: a million-edge `check` got about a fifth faster.
//!
//! Why no transparent huge pages. mimalloc asks for them by default, and a huge page is
//! zeroed whole, 2 MB, however little of it is used. On the 2-core virtual machine the
//! targets are set on (Firecracker, with free page reporting) memory the guest has not
//! touched for a few seconds is handed back to the host, and each page touched again
//! then costs a fault in the host as well. So a load run after a pause, the way a user
//! runs `check`, paid for every byte of every huge page: measured after 5 s idle, a
//! million-edge `check` took 1.63 s with huge pages against 1.20 s without, 100k edges
//! 263 against 125 ms, 10k edges 100 against 23 ms, with 307–314 against 267–279 MB
//! peak RSS (medians, docs/performance.md). Back-to-back runs hid this, because they
//! reuse memory the host still backs; there the two are the same within noise.
//!
//! Memory given out before the switch is still the system allocator's, so freeing and
//! growing ask mimalloc whether a pointer is its own (`mi_is_in_heap_region`, a lookup in
//! its page map) and hand everything else back to the system allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, Ordering};

use libmimalloc_sys as mi;

/// Set once by [`use_mimalloc`] and never cleared: while it is false no memory has come
/// from mimalloc, so nothing needs to be asked about.
static MIMALLOC: AtomicBool = AtomicBool::new(false);

/// mimalloc's `mi_option_purge_delay`: its position in `mi_option_t` of the mimalloc 3
/// that `libmimalloc-sys` builds, which has no constant for it (a test checks the
/// defaults around it). Freed memory is returned to the system after this many
/// milliseconds, 1,000 by default.
const PURGE_DELAY: mi::mi_option_t = 15;

/// A load frees about as much as it keeps while it parses, so with the default delay the
/// million-edge `check` peaked at 395–428 MB, against 315–331 MB when memory was returned
/// at once. Without huge pages, returning it at once made it be faulted in again a page
/// at a time (109,000 faults); 10 ms keeps what is taken again soon (99,000 faults,
/// 270 MB peak, a tenth of a second less after a pause).
const PURGE_DELAY_MS: std::ffi::c_long = 10;

/// mimalloc's `mi_option_allow_thp`, also without a constant (position 43).
const ALLOW_THP: mi::mi_option_t = 43;

/// Every block mimalloc gives out is aligned to at least a word: its size classes are
/// whole words. Smaller alignments take its plain calls; its aligned calls try a small
/// block's fast path only when the alignment fits the size, and otherwise over-allocate
/// (2% of a 100k-edge `check`'s instructions went there).
const MIMALLOC_MIN_ALIGN: usize = std::mem::size_of::<usize>();

/// The global allocator; see the module documentation.
pub struct Allocator;

/// Makes every allocation from now on come from mimalloc, if [`Allocator`] is the global
/// allocator; otherwise it only sets mimalloc's options. Called before loading a
/// knowledge directory.
pub fn use_mimalloc() {
    start_mimalloc();
    // SAFETY: setting an option is a plain store into mimalloc's option table. mimalloc
    // reads `allow_thp` when it maps memory, and it has mapped none for blocks yet.
    unsafe {
        mi::mi_option_set(PURGE_DELAY, PURGE_DELAY_MS);
        mi::mi_option_set(ALLOW_THP, 0);
    }
    // mimalloc only leaves out its own request for huge pages; where the system gives
    // them to every large mapping (`enabled` = `always`), only this turns them off.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: the call only sets a flag on this process's memory map.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    MIMALLOC.store(true, Ordering::Release);
}

// mimalloc's own start-up, from its internal API (`include/mimalloc/internal.h`): linked
// statically, its hidden symbols resolve like any other.
unsafe extern "C" {
    /// True until mimalloc has started: it then neither takes memory in arenas nor
    /// returns any to the system.
    fn _mi_preloading() -> bool;
    /// What mimalloc's constructor runs at process start in a default build: reads its
    /// options, maps its page map, and makes the calling thread its main thread.
    fn _mi_auto_process_init();
}

/// Starts mimalloc, once, if it has not started yet.
///
/// `.cargo/config.toml` builds mimalloc without its constructor, which would start it at
/// every process start and cost a one-shot question about 0.3 ms (docs/performance.md,
/// "Cold start"); so it starts here, on the first switch. Built with its constructor (a
/// `CFLAGS` of the user's own replaces the define), mimalloc has started already and
/// this does nothing. The CLI switches on its main thread, as the constructor would have.
fn start_mimalloc() {
    static START: std::sync::Once = std::sync::Once::new();
    // SAFETY: both are plain C calls with no arguments; `Once` makes sure the start runs
    // once, before any block is asked of mimalloc.
    START.call_once(|| unsafe {
        if _mi_preloading() {
            _mi_auto_process_init();
        }
    });
}

fn switched() -> bool {
    MIMALLOC.load(Ordering::Acquire)
}

/// Whether `p` was given out by mimalloc.
fn from_mimalloc(p: *mut u8) -> bool {
    // SAFETY: the lookup only reads mimalloc's page map, for any address.
    switched() && unsafe { mi::mi_is_in_heap_region(p.cast()) }
}

// SAFETY: each call goes to one of two allocators that uphold `GlobalAlloc`'s contract,
// and each pointer is freed or grown by the allocator that gave it out, found by asking
// mimalloc's page map, which knows every block mimalloc has given out and no other.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !switched() {
            unsafe { System.alloc(layout) }
        } else if layout.align() <= MIMALLOC_MIN_ALIGN {
            unsafe { mi::mi_malloc(layout.size()).cast() }
        } else {
            unsafe { mi::mi_malloc_aligned(layout.size(), layout.align()).cast() }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if !switched() {
            unsafe { System.alloc_zeroed(layout) }
        } else if layout.align() <= MIMALLOC_MIN_ALIGN {
            unsafe { mi::mi_zalloc(layout.size()).cast() }
        } else {
            unsafe { mi::mi_zalloc_aligned(layout.size(), layout.align()).cast() }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if from_mimalloc(ptr) {
            unsafe { mi::mi_free(ptr.cast()) }
        } else {
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if from_mimalloc(ptr) {
            return if layout.align() <= MIMALLOC_MIN_ALIGN {
                unsafe { mi::mi_realloc(ptr.cast(), new_size).cast() }
            } else {
                unsafe { mi::mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast() }
            };
        }
        if !switched() {
            return unsafe { System.realloc(ptr, layout, new_size) };
        }
        // A block from before the switch moves to mimalloc when it grows, like any new one.
        // SAFETY: `new_size` with the old alignment is a valid layout (`realloc`'s contract).
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        let moved = unsafe { self.alloc(new_layout) };
        if !moved.is_null() {
            // SAFETY: both blocks are at least this long and distinct; the old one was
            // given out by the system allocator with `layout`.
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
                System.dealloc(ptr, layout);
            }
        }
        moved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Memory from before the switch is freed and grown by the allocator that gave it
    /// out; memory from after it comes from mimalloc. (The switch is for the whole
    /// process; other tests that load a directory make it too, which changes nothing for
    /// them, as the test binary allocates with the system allocator.)
    #[test]
    fn each_block_goes_back_to_the_allocator_it_came_from() {
        // The options from `deprecated_eager_commit_delay` to `max_errors` have the
        // defaults 1, 1000, 0, 0, 100, 32 in mimalloc 3; `purge_delay` is the 1000, or
        // `PURGE_DELAY_MS` once something in this process has switched. Those from
        // `page_max_reclaim` to `arena_max_object_size` have the defaults -1, 32, 1, 0 and
        // 2 GiB (in KiB); `allow_thp` is the 1, or 0. A renumbering would show here.
        let defaults = |options: std::ops::RangeInclusive<mi::mi_option_t>| -> Vec<_> {
            options.map(|o| unsafe { mi::mi_option_get(o) }).collect()
        };
        if !std::env::vars_os().any(|(k, _)| k.to_string_lossy().starts_with("MIMALLOC_")) {
            let around = defaults(PURGE_DELAY - 1..=PURGE_DELAY + 4);
            let purge = around[1];
            assert!(purge == 1000 || purge == PURGE_DELAY_MS, "{around:?}");
            assert_eq!(
                [around[0], around[2], around[3], around[4], around[5]],
                [1, 0, 0, 100, 32]
            );
            let around = defaults(ALLOW_THP - 2..=ALLOW_THP + 2);
            assert!(around[2] == 1 || around[2] == 0, "{around:?}");
            assert_eq!(
                [around[0], around[1], around[3], around[4]],
                [-1, 32, 0, 2 * 1024 * 1024]
            );
        }
        let a = Allocator;
        let layout = Layout::from_size_align(100, 8).unwrap();
        unsafe {
            // Blocks the system allocator gave out before the switch.
            let before = System.alloc(layout);
            let grown_before = System.alloc(layout);
            assert!(!before.is_null() && !grown_before.is_null());
            assert!(!mi::mi_is_in_heap_region(before.cast()));
            for i in 0..100 {
                *grown_before.add(i) = i as u8;
            }

            use_mimalloc();
            // Started, so it uses arenas and returns freed memory.
            assert!(!_mi_preloading());
            assert_eq!(mi::mi_option_get(ALLOW_THP), 0);
            assert_eq!(mi::mi_option_get(PURGE_DELAY), PURGE_DELAY_MS);
            let after = a.alloc(layout);
            assert!(mi::mi_is_in_heap_region(after.cast()));
            let zeroed = a.alloc_zeroed(layout);
            assert!((0..100).all(|i| *zeroed.add(i) == 0));

            // A block from the system allocator moves to mimalloc when it grows, intact.
            let grown = a.realloc(grown_before, layout, 5000);
            assert!(mi::mi_is_in_heap_region(grown.cast()));
            assert!((0..100).all(|i| *grown.add(i) == i as u8));
            let bigger = Layout::from_size_align(5000, 8).unwrap();
            let grown_again = a.realloc(grown, bigger, 50_000);
            assert!((0..100).all(|i| *grown_again.add(i) == i as u8));

            a.dealloc(before, layout);
            a.dealloc(after, layout);
            a.dealloc(zeroed, layout);
            a.dealloc(grown_again, Layout::from_size_align(50_000, 8).unwrap());
        }
    }

    /// mimalloc does not start with the process, so a run that never loads a directory
    /// pays nothing for it. Checked in a fresh process (this test binary again, running
    /// only the probe below), since the other tests here switch this one.
    #[test]
    fn mimalloc_waits_for_the_switch() {
        let probe = "allocator::tests::probe_mimalloc_has_not_started";
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", probe, "--test-threads", "1"])
            .env("AWSGRAPH_PROBE_MIMALLOC", "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("1 passed"),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Run by `mimalloc_waits_for_the_switch` in a process of its own; on its own in a
    /// shared test process it checks nothing.
    #[test]
    fn probe_mimalloc_has_not_started() {
        if std::env::var_os("AWSGRAPH_PROBE_MIMALLOC").is_some() {
            assert!(
                unsafe { _mi_preloading() },
                "mimalloc started with the process: is CFLAGS set in the environment, \
                 replacing the one in .cargo/config.toml?"
            );
        }
    }
}

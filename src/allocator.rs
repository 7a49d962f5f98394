//! The process's memory allocator: the system's (glibc's) malloc until a knowledge
//! directory is loaded, mimalloc from then on. `main` installs it as the global
//! allocator; `cli::load_graph` switches it with [`use_mimalloc`] before it loads a
//! `--graph` directory.
//!
//! Why two. A one-shot question on the built-in graph is over in about a millisecond,
//! and the system allocator costs it nothing to start, while mimalloc in charge of every
//! allocation made each start about 0.5 ms slower (docs/performance.md). Loading a large
//! directory is the opposite: hundreds of thousands of small strings made on two threads.
//! There glibc's per-thread heaps grow a page at a time (an `mprotect` call each) and
//! every new page is a page fault, while mimalloc takes memory in large, transparently
//! huge-paged spans: a million-edge `check` got about a fifth faster and a 10k-edge one
//! made a fifth as many page faults.
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
/// milliseconds, 1,000 by default. A load frees about as much as it keeps while it
/// parses, so with the default the million-edge `check` peaked at 395–428 MB, against
/// 315–331 MB when memory is returned at once.
const PURGE_DELAY: mi::mi_option_t = 15;

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
    // SAFETY: setting an option is a plain store into mimalloc's option table.
    unsafe { mi::mi_option_set(PURGE_DELAY, 0) };
    MIMALLOC.store(true, Ordering::Release);
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
        // defaults 1, 1000, 0, 0, 100, 32 in mimalloc 3; `purge_delay` is the 1000, or 0
        // once something in this process has switched. A renumbering would show here.
        if !std::env::vars_os().any(|(k, _)| k.to_string_lossy().starts_with("MIMALLOC_")) {
            let around: Vec<_> = (PURGE_DELAY - 1..=PURGE_DELAY + 4)
                .map(|o| unsafe { mi::mi_option_get(o) })
                .collect();
            let purge = around[1];
            assert!(purge == 1000 || purge == 0, "{around:?}");
            assert_eq!(
                [around[0], around[2], around[3], around[4], around[5]],
                [1, 0, 0, 100, 32]
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
}

//! Hints about memory that change no result, only how fast the child records are reached: to the
//! operating system, how to back the records' array; to the processor, which records to fetch
//! ahead of their use.
//!
//! Events touch children's records in random order across the whole cohort (about 70 MiB at full
//! size), so nearly every event misses the processor's address-translation cache when the records
//! lie on 4 KiB pages. Backed by 2 MiB pages (Linux transparent huge pages, asked for with
//! `madvise`), the cohort spans a few dozen translations instead of some 18,000: one replication
//! of the baseline ran about 15% faster (1.24 s against 1.45 s, median of 10 alternating runs;
//! docs/performance.md). Where the system
//! does not offer huge pages (other systems, or transparent huge pages set to `never`), the hint is
//! a no-op.

/// Ask for the allocation behind `v` (its whole capacity, from the first page boundary) to be
/// backed by huge pages. Call it before the elements are written: pages already touched stay as
/// they are.
pub(crate) fn prefer_huge_pages<T>(v: &Vec<T>) {
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        let bytes = v.capacity() * std::mem::size_of::<T>();
        let ptr = v.as_ptr() as usize;
        let start = ptr.next_multiple_of(PAGE);
        if bytes == 0 || start >= ptr + bytes {
            return;
        }
        // SAFETY: the range lies inside the vector's own allocation (from its first page boundary
        // to the end of its capacity); MADV_HUGEPAGE changes how that memory is backed, never its
        // contents, and a failure (e.g. huge pages unavailable) leaves it as it was, so the result
        // is ignored.
        unsafe {
            libc::madvise(
                start as *mut libc::c_void,
                ptr + bytes - start,
                libc::MADV_HUGEPAGE,
            );
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = v;
}

/// How many children ahead a pass that reads child records in random order (the day's events, a
/// work list) prefetches them: far enough for the record to arrive before it is read.
pub(crate) const PREFETCH_AHEAD: usize = 8;

/// Hint the processor to bring `x` into cache (no effect on results).
#[inline(always)]
pub(crate) fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: prefetching is a hint that never faults, even for invalid addresses; here the
        // addresses lie within (or one line past) a valid reference.
        let p = x as *const T as *const i8;
        let size = std::mem::size_of::<T>();
        for line in (0..size).step_by(64).chain(std::iter::once(size - 1)) {
            unsafe {
                std::arch::x86_64::_mm_prefetch(
                    p.wrapping_add(line),
                    std::arch::x86_64::_MM_HINT_T0,
                );
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hint_leaves_contents_and_capacity_as_they_are() {
        for n in [0usize, 1, 100, 3 << 20] {
            let mut v: Vec<u64> = Vec::with_capacity(n);
            prefer_huge_pages(&v);
            v.extend((0..n as u64).map(|i| i * 3));
            assert_eq!(v.capacity(), n);
            assert!(v.iter().enumerate().all(|(i, &x)| x == i as u64 * 3));
        }
        // An empty vector without an allocation (dangling pointer) is left alone.
        prefer_huge_pages(&Vec::<u8>::new());
    }
}

//! Memory placement for the large, randomly accessed buffers (the children): a hint to the operating
//! system, with no effect on results.
//!
//! Events touch children in an order unrelated to where their records lie, so nearly every event
//! reads a record on a different page. With 4 KiB pages, a full cohort's records (about 70 MiB) span
//! some 18,000 pages, far more than the processor's address-translation cache holds, and each event
//! pays a page-table walk on top of the cache miss. Backing the buffer with 2 MiB pages (Linux's
//! transparent huge pages, which many systems grant only on request) removes most of those walks:
//! measured on the baseline, a third of the time of a replication.

/// Buffers smaller than this are left alone (they fit the translation cache anyway).
const MIN_BYTES: usize = 8 << 20;

/// Ask the kernel to back the allocation of `v` (its whole capacity) with huge pages. Call it when
/// the capacity changes, before the memory is written, so that pages are huge when first touched.
pub(crate) fn prefer_huge_pages<T>(v: &Vec<T>) {
    let bytes = v.capacity() * std::mem::size_of::<T>();
    if bytes < MIN_BYTES {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        let start = v.as_ptr() as usize;
        let first = (start + PAGE - 1) & !(PAGE - 1);
        let end = (start + bytes) & !(PAGE - 1);
        if end > first {
            // SAFETY: madvise with MADV_HUGEPAGE changes no memory contents and no mapping's
            // permissions; the range lies within the vector's own allocation. A refusal (an older
            // kernel, huge pages disabled) is harmless, so its result is ignored.
            unsafe {
                libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_HUGEPAGE);
            }
        }
    }
}

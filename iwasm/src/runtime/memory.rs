//! Linear memories: a byte vector with explicit bounds, grown in 64 KiB pages.

use alloc::vec::Vec;

use super::{Memory, Store};
use crate::error::Error;
use crate::values::{MemoryType, MAX_PAGES, PAGE_SIZE};

/// A linear memory.
pub(crate) struct MemoryInst {
    pub data: Vec<u8>,
    pub ty: MemoryType,
    /// The most pages this memory may ever have: its own maximum capped by the store's limit.
    pub limit: u32,
}

impl MemoryInst {
    /// A zeroed memory of `ty.min` pages.
    pub fn new(ty: MemoryType, store_limit: u32) -> Result<MemoryInst, Error> {
        let limit = ty.max.unwrap_or(MAX_PAGES).min(store_limit).min(MAX_PAGES);
        if ty.min > limit {
            return Err(Error::Resource(alloc::format!(
                "memory of {} pages exceeds the limit of {limit} pages",
                ty.min
            )));
        }
        let data = zeroed_vec(ty.min as usize * PAGE_SIZE)
            .ok_or_else(|| Error::Resource("out of memory allocating linear memory".into()))?;
        Ok(MemoryInst { data, ty, limit })
    }

    /// Current size in pages.
    pub fn pages(&self) -> u32 {
        (self.data.len() / PAGE_SIZE) as u32
    }

    /// Grows by `delta` pages; returns the old size, or `None` if the limit or the host's
    /// memory would be exceeded (wasm then sees -1).
    pub fn grow(&mut self, delta: u32) -> Option<u32> {
        let old = self.pages();
        let new = old.checked_add(delta).filter(|n| *n <= self.limit)?;
        let new_len = new as usize * PAGE_SIZE;
        self.data
            .try_reserve_exact(new_len - self.data.len())
            .ok()?;
        self.data.resize(new_len, 0);
        Some(old)
    }
}

/// Element types whose all-zero bit pattern is a valid value.
pub(crate) trait Zeroable: Copy {}
impl Zeroable for u8 {}
impl Zeroable for u64 {}

/// A zero-filled vector of `len` elements, allocated fallibly with `alloc_zeroed`: large
/// sizes get zero pages from the OS that cost no memory until touched (an 8 MiB value stack
/// or a module's initial memory does not show up in RSS until used).
pub(crate) fn zeroed_vec<T: Zeroable>(len: usize) -> Option<Vec<T>> {
    let layout = core::alloc::Layout::array::<T>(len).ok()?;
    if layout.size() == 0 {
        return Some(Vec::new());
    }
    // SAFETY: the layout has a non-zero size.
    let ptr = unsafe { alloc::alloc::alloc_zeroed(layout) };
    if ptr.is_null() {
        return None;
    }
    // SAFETY: `ptr` was allocated by the global allocator with `T`'s array layout for `len`
    // elements, all zero, which is a valid `T` (`Zeroable`).
    Some(unsafe { Vec::from_raw_parts(ptr.cast::<T>(), len, len) })
}

impl Memory {
    /// A new memory owned by the host.
    pub fn new(store: &mut Store, ty: MemoryType) -> Result<Memory, Error> {
        let mem = MemoryInst::new(ty, store.config.max_memory_pages)?;
        store.memories.push(mem);
        Ok(Memory(store.memories.len() as u32 - 1))
    }

    /// The memory's type (its maximum as declared).
    pub fn ty(&self, store: &Store) -> MemoryType {
        let mem = &store.memories[self.0 as usize];
        MemoryType {
            min: mem.pages(),
            max: mem.ty.max,
        }
    }

    /// Current size in 64 KiB pages.
    pub fn size(&self, store: &Store) -> u32 {
        store.memories[self.0 as usize].pages()
    }

    /// The memory's bytes.
    pub fn data<'a>(&self, store: &'a Store) -> &'a [u8] {
        &store.memories[self.0 as usize].data
    }

    /// The memory's bytes, writable.
    pub fn data_mut<'a>(&self, store: &'a mut Store) -> &'a mut [u8] {
        &mut store.memories[self.0 as usize].data
    }

    /// Grows by `delta` pages, returning the previous size in pages.
    pub fn grow(&self, store: &mut Store, delta: u32) -> Result<u32, Error> {
        store.memories[self.0 as usize]
            .grow(delta)
            .ok_or_else(|| Error::Resource("memory cannot grow that far".into()))
    }
}

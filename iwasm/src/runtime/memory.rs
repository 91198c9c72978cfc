//! Linear memories. On 64-bit hosts with virtual memory a memory reserves its whole address
//! range up front (4 GiB plus a 4 GiB guard region) and commits pages on grow: its base never
//! moves and growing never touches the new pages. Elsewhere (`no_std` targets, 32-bit hosts,
//! or when the reservation fails) it is a heap buffer with explicit bounds.

use alloc::vec::Vec;

use iwasm_platforms::memory::{Protection, Region};

use super::vmctx::VMMemory;
use super::{Memory, Store};
use crate::error::Error;
use crate::values::{MemoryType, MAX_PAGES, PAGE_SIZE};

/// Address space reserved per memory on 64-bit hosts: every 32-bit index plus a 32-bit
/// offset, plus an access of up to 8 bytes, lands inside it, so compiled code may rely on
/// guard pages for bounds.
pub(crate) const RESERVATION: u64 = (8 << 30) + (64 << 10);

/// Where a memory's bytes live.
enum Backing {
    /// Reserved address space; the first `length` bytes are committed read-write.
    Reserved(Region),
    /// A heap buffer, reallocated on grow.
    Heap(Vec<u8>),
}

/// A linear memory.
pub(crate) struct MemoryInst {
    /// Base and length as execution reads them (kept in sync with the backing).
    pub vm: VMMemory,
    backing: Backing,
    pub ty: MemoryType,
    /// The most pages this memory may ever have: its own maximum capped by the store's limit.
    pub limit: u32,
}

fn out_of_memory() -> Error {
    Error::Resource("out of memory allocating linear memory".into())
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
        let mut mem = match reserve() {
            Some(region) => MemoryInst {
                vm: VMMemory {
                    base: region.as_ptr(),
                    length: 0,
                },
                backing: Backing::Reserved(region),
                ty,
                limit,
            },
            None => MemoryInst {
                vm: VMMemory {
                    base: core::ptr::NonNull::dangling().as_ptr(),
                    length: 0,
                },
                backing: Backing::Heap(Vec::new()),
                ty,
                limit,
            },
        };
        mem.grow(ty.min).ok_or_else(out_of_memory)?;
        Ok(mem)
    }

    /// Whether the memory sits in its own reservation, guard region included (so an access
    /// past its length faults instead of touching anything else).
    #[cfg_attr(
        not(iwasm_jit),
        allow(dead_code, reason = "only compiled code uses guard pages")
    )]
    pub fn is_reserved(&self) -> bool {
        matches!(self.backing, Backing::Reserved(_))
    }

    /// Current size in pages.
    pub fn pages(&self) -> u32 {
        (self.vm.length / PAGE_SIZE) as u32
    }

    /// The memory's bytes.
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: `base..base+length` is committed, initialised memory owned by this value.
        unsafe { core::slice::from_raw_parts(self.vm.base, self.vm.length) }
    }

    /// The memory's bytes, writable.
    pub fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as for `bytes`, and `&mut self` makes the access exclusive.
        unsafe { core::slice::from_raw_parts_mut(self.vm.base, self.vm.length) }
    }

    /// Grows by `delta` pages; returns the old size, or `None` if the limit or the host's
    /// memory would be exceeded (wasm then sees -1). On a 32-bit host a memory of 65536 pages
    /// (4 GiB) has a length no `usize` holds: growing to it fails.
    pub fn grow(&mut self, delta: u32) -> Option<u32> {
        let old = self.pages();
        let new = old.checked_add(delta).filter(|n| *n <= self.limit)?;
        let old_len = self.vm.length;
        let new_len = (new as usize).checked_mul(PAGE_SIZE)?;
        match &mut self.backing {
            Backing::Reserved(region) => {
                region
                    .protect_range(old_len, new_len - old_len, Protection::ReadWrite)
                    .ok()?;
            }
            Backing::Heap(data) => {
                data.try_reserve_exact(new_len - old_len).ok()?;
                data.resize(new_len, 0);
                self.vm.base = data.as_mut_ptr();
            }
        }
        self.vm.length = new_len;
        Some(old)
    }
}

/// Reserves a memory's address range, where the host has 64-bit virtual memory.
fn reserve() -> Option<Region> {
    if usize::BITS < 64 {
        return None;
    }
    Region::reserve(RESERVATION as usize).ok()
}

/// Element types whose all-zero bit pattern is a valid value.
pub(crate) trait Zeroable: Copy {}
impl Zeroable for u8 {}
impl Zeroable for u64 {}

/// A zero-filled vector of `len` elements, allocated fallibly with `alloc_zeroed`: large
/// sizes get zero pages from the OS that cost no memory until touched (an 8 MiB value stack
/// does not show up in RSS until used).
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
        let index = store.memories.push(mem);
        Ok(Memory(store.handle(index)))
    }

    /// The memory's type (its maximum as declared).
    pub fn ty(&self, store: &Store) -> MemoryType {
        let mem = store.memory(*self);
        MemoryType {
            min: mem.pages(),
            max: mem.ty.max,
        }
    }

    /// Current size in 64 KiB pages.
    pub fn size(&self, store: &Store) -> u32 {
        store.memory(*self).pages()
    }

    /// The memory's bytes.
    pub fn data<'a>(&self, store: &'a Store) -> &'a [u8] {
        store.memory(*self).bytes()
    }

    /// The memory's bytes, writable.
    pub fn data_mut<'a>(&self, store: &'a mut Store) -> &'a mut [u8] {
        store.memory_mut(*self).bytes_mut()
    }

    /// Grows by `delta` pages, returning the previous size in pages.
    pub fn grow(&self, store: &mut Store, delta: u32) -> Result<u32, Error> {
        store.check_owner(self.0)?;
        store
            .memory_mut(*self)
            .grow(delta)
            .ok_or_else(|| Error::Resource("memory cannot grow that far".into()))
    }
}

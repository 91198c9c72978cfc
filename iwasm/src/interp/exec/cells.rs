//! Typed access to frame cells and to little-endian values in linear memory.

pub(crate) use crate::interp::cell::Cell;
use crate::interp::ops::Slot;

/// A little-endian value in linear memory.
pub(super) trait MemValue: Copy {
    const SIZE: u64;
    /// # Safety
    /// `ptr..ptr+SIZE` must be readable.
    unsafe fn read(ptr: *const u8) -> Self;
    /// # Safety
    /// `ptr..ptr+SIZE` must be writable.
    unsafe fn write(self, ptr: *mut u8);
}

macro_rules! mem_value {
    ($($t:ty),*) => {$(
        impl MemValue for $t {
            const SIZE: u64 = core::mem::size_of::<$t>() as u64;
            #[inline(always)]
            unsafe fn read(ptr: *const u8) -> Self {
                type Bytes = [u8; core::mem::size_of::<$t>()];
                // SAFETY: the caller checked the bounds; wasm allows unaligned access.
                <$t>::from_le_bytes(unsafe { ptr.cast::<Bytes>().read_unaligned() })
            }
            #[inline(always)]
            unsafe fn write(self, ptr: *mut u8) {
                type Bytes = [u8; core::mem::size_of::<$t>()];
                // SAFETY: the caller checked the bounds.
                unsafe { ptr.cast::<Bytes>().write_unaligned(self.to_le_bytes()) }
            }
        }
    )*};
}
mem_value!(i8, u8, i16, u16, i32, u32, i64, u64);

/// Reads slot `slot` of the frame at `fp`.
///
/// # Safety
/// `slot` must be within the frame, which must lie in the value stack.
#[inline(always)]
pub(super) unsafe fn get<T: Cell>(fp: *mut u64, slot: Slot) -> T {
    // SAFETY: guaranteed by the caller (the translator only emits slots below the frame size,
    // and a frame is checked to fit in the value stack when it is entered).
    T::from_cell(unsafe { *fp.add(slot as usize) })
}

/// Writes slot `slot` of the frame at `fp`.
///
/// # Safety
/// As for [`get`].
#[inline(always)]
pub(super) unsafe fn set<T: Cell>(fp: *mut u64, slot: Slot, value: T) {
    // SAFETY: as for `get`.
    unsafe { *fp.add(slot as usize) = value.into_cell() }
}

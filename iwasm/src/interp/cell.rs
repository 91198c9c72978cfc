//! Values as the 64-bit cells frames and compiled code hold them.

/// A value that can live in a 64-bit frame cell.
pub(crate) trait Cell: Copy {
    /// The value held in a 64-bit cell.
    fn from_cell(cell: u64) -> Self;
    /// The 64-bit cell holding the value.
    fn into_cell(self) -> u64;
}

macro_rules! cell_int {
    ($($t:ty => $via:ty),*) => {$(
        impl Cell for $t {
            #[inline(always)]
            fn from_cell(cell: u64) -> Self {
                cell as $via as $t
            }
            #[inline(always)]
            fn into_cell(self) -> u64 {
                self as $via as u64
            }
        }
    )*};
}
cell_int!(i32 => u32, u32 => u32, i64 => u64, u64 => u64);

impl Cell for bool {
    #[inline(always)]
    fn from_cell(cell: u64) -> Self {
        cell as u32 != 0
    }
    #[inline(always)]
    fn into_cell(self) -> u64 {
        self as u64
    }
}

impl Cell for f32 {
    #[inline(always)]
    fn from_cell(cell: u64) -> Self {
        f32::from_bits(cell as u32)
    }
    #[inline(always)]
    fn into_cell(self) -> u64 {
        self.to_bits() as u64
    }
}

impl Cell for f64 {
    #[inline(always)]
    fn from_cell(cell: u64) -> Self {
        f64::from_bits(cell)
    }
    #[inline(always)]
    fn into_cell(self) -> u64 {
        self.to_bits()
    }
}

//! [`StableVec`]: an append-only vector whose elements never move, so execution can hold
//! raw pointers to them (function references, global cells, memory and table descriptors).

use alloc::vec::Vec;

/// Elements in the first chunk; each further chunk doubles the total.
const FIRST_CHUNK: usize = 8;

/// An append-only vector of chunks that are never reallocated.
pub(crate) struct StableVec<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for StableVec<T> {
    fn default() -> StableVec<T> {
        StableVec {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

/// The chunk and position within it of element `index` (chunk `c` holds `8 << c` elements
/// starting at `8 * (2^c - 1)`).
fn locate(index: usize) -> (usize, usize) {
    let scaled = index / FIRST_CHUNK + 1;
    let chunk = (usize::BITS - 1 - scaled.leading_zeros()) as usize;
    let start = FIRST_CHUNK * ((1 << chunk) - 1);
    (chunk, index - start)
}

impl<T> StableVec<T> {
    /// The number of elements.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Appends `value` and returns its index.
    pub fn push(&mut self, value: T) -> usize {
        let index = self.len;
        let (chunk, _) = locate(index);
        if chunk == self.chunks.len() {
            self.chunks.push(Vec::with_capacity(FIRST_CHUNK << chunk));
        }
        let target = &mut self.chunks[chunk];
        debug_assert!(target.len() < target.capacity(), "chunks never reallocate");
        target.push(value);
        self.len += 1;
        index
    }

    /// Element `index`, if present.
    pub fn get(&self, index: usize) -> Option<&T> {
        let (chunk, offset) = locate(index);
        self.chunks.get(chunk)?.get(offset)
    }

    /// Element `index`, writable, if present.
    pub fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        let (chunk, offset) = locate(index);
        self.chunks.get_mut(chunk)?.get_mut(offset)
    }
}

impl<T> core::ops::Index<usize> for StableVec<T> {
    type Output = T;
    fn index(&self, index: usize) -> &T {
        self.get(index).expect("store index in range")
    }
}

impl<T> core::ops::IndexMut<usize> for StableVec<T> {
    fn index_mut(&mut self, index: usize) -> &mut T {
        self.get_mut(index).expect("store index in range")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_keep_their_address() {
        let mut v = StableVec::default();
        v.push(0u32);
        let first = &v[0] as *const u32;
        for i in 1..10_000u32 {
            assert_eq!(v.push(i), i as usize);
        }
        assert_eq!(first, &v[0] as *const u32);
        assert!((0..10_000).all(|i| v[i] == i as u32));
        assert_eq!(v.len(), 10_000);
        assert!(v.get(10_000).is_none());
    }
}

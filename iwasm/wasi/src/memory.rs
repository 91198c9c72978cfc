//! Bounds-checked access to guest linear memory. Every guest pointer goes through these
//! helpers: one outside the memory is `EFAULT`, never a panic.

use super::errno::Errno;

/// The guest bytes `[ptr, ptr + len)`.
pub fn slice(mem: &[u8], ptr: u32, len: u32) -> Result<&[u8], Errno> {
    let start = ptr as usize;
    let end = start.checked_add(len as usize).ok_or(Errno::FAULT)?;
    mem.get(start..end).ok_or(Errno::FAULT)
}

/// The guest bytes `[ptr, ptr + len)`, writable.
pub fn slice_mut(mem: &mut [u8], ptr: u32, len: u32) -> Result<&mut [u8], Errno> {
    let start = ptr as usize;
    let end = start.checked_add(len as usize).ok_or(Errno::FAULT)?;
    mem.get_mut(start..end).ok_or(Errno::FAULT)
}

/// `ptr`, if `len` bytes there are in bounds (`EFAULT` otherwise): checks where a result
/// will go before the call has effects.
pub fn result_ptr(mem: &[u8], ptr: u32, len: u32) -> Result<u32, Errno> {
    slice(mem, ptr, len).map(|_| ptr)
}

/// Copies `bytes` to guest address `ptr`.
pub fn write_bytes(mem: &mut [u8], ptr: u32, bytes: &[u8]) -> Result<(), Errno> {
    let len = u32::try_from(bytes.len()).map_err(|_| Errno::FAULT)?;
    slice_mut(mem, ptr, len)?.copy_from_slice(bytes);
    Ok(())
}

/// Stores a little-endian `u8`.
pub fn write_u8(mem: &mut [u8], ptr: u32, v: u8) -> Result<(), Errno> {
    write_bytes(mem, ptr, &[v])
}

/// Stores a little-endian `u32`.
pub fn write_u32(mem: &mut [u8], ptr: u32, v: u32) -> Result<(), Errno> {
    write_bytes(mem, ptr, &v.to_le_bytes())
}

/// Stores a little-endian `u64`.
pub fn write_u64(mem: &mut [u8], ptr: u32, v: u64) -> Result<(), Errno> {
    write_bytes(mem, ptr, &v.to_le_bytes())
}

/// Loads a little-endian `u32`.
#[cfg(test)]
pub fn read_u32(mem: &[u8], ptr: u32) -> Result<u32, Errno> {
    let mut b = [0; 4];
    b.copy_from_slice(slice(mem, ptr, 4)?);
    Ok(u32::from_le_bytes(b))
}

/// Loads a little-endian `u64`.
#[cfg(test)]
pub fn read_u64(mem: &[u8], ptr: u32) -> Result<u64, Errno> {
    let mut b = [0; 8];
    b.copy_from_slice(slice(mem, ptr, 8)?);
    Ok(u64::from_le_bytes(b))
}

/// A guest string (a path), which must be UTF-8 (`EILSEQ` otherwise).
pub fn read_str(mem: &[u8], ptr: u32, len: u32) -> Result<&str, Errno> {
    core::str::from_utf8(slice(mem, ptr, len)?).map_err(|_| Errno::ILSEQ)
}

/// The `(buf, buf_len)` pairs of an `iovec`/`ciovec` array of `count` entries at `ptr`: the
/// array out of bounds is `EFAULT`; lengths adding up past `u32::MAX` (what the result count
/// can hold) are `EINVAL`, before any byte moves.
pub fn iovecs(mem: &[u8], ptr: u32, count: u32) -> Result<Vec<(u32, u32)>, Errno> {
    let bytes = slice(mem, ptr, count.checked_mul(8).ok_or(Errno::FAULT)?)?;
    let iovecs: Vec<(u32, u32)> = bytes
        .chunks_exact(8)
        .map(|c| {
            let buf = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
            let len = u32::from_le_bytes([c[4], c[5], c[6], c[7]]);
            (buf, len)
        })
        .collect();
    iovecs
        .iter()
        .try_fold(0u32, |total, &(_, len)| total.checked_add(len))
        .ok_or(Errno::INVAL)?;
    Ok(iovecs)
}

/// Writes NUL-terminated `strings` to `buf` and their addresses to the pointer array `ptrs`
/// (how `args_get` and `environ_get` answer). Every address is computed overflow-checked: a
/// list that would wrap around the address space is `EFAULT`.
pub fn write_string_list(
    mem: &mut [u8],
    strings: &[Vec<u8>],
    ptrs: u32,
    buf: u32,
) -> Result<(), Errno> {
    let mut slot = ptrs;
    let mut at = buf;
    for s in strings {
        write_u32(mem, slot, at)?;
        write_bytes(mem, at, s)?;
        let len = u32::try_from(s.len()).map_err(|_| Errno::FAULT)?;
        let end = at.checked_add(len).ok_or(Errno::FAULT)?;
        write_u8(mem, end, 0)?;
        at = end.checked_add(1).ok_or(Errno::FAULT)?;
        slot = slot.checked_add(4).ok_or(Errno::FAULT)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_bounds_is_efault() {
        let mut mem = vec![0u8; 16];
        assert_eq!(write_u32(&mut mem, 12, 7), Ok(()));
        assert_eq!(read_u32(&mem, 12), Ok(7));
        assert_eq!(write_u32(&mut mem, 13, 7), Err(Errno::FAULT));
        assert_eq!(read_u64(&mem, u32::MAX), Err(Errno::FAULT));
        assert_eq!(slice(&mem, u32::MAX, u32::MAX).err(), Some(Errno::FAULT));
        assert_eq!(iovecs(&mem, 0, u32::MAX).err(), Some(Errno::FAULT));
        // Two iovecs of 3 GiB each: EINVAL, whatever they point at.
        mem[0..16].copy_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0xc0]);
        assert_eq!(iovecs(&mem, 0, 2).err(), Some(Errno::INVAL));
        // A string list running past the end of the address space.
        let strings = [b"ab".to_vec()];
        assert_eq!(
            write_string_list(&mut mem, &strings, 0, u32::MAX - 1),
            Err(Errno::FAULT)
        );
    }
}

//! Benchmark kernel for the iwasm bench harness.
//!
//! `run(rounds)` generates pseudo-random English-like text, compresses it with
//! a small LZ77 compressor, decompresses it again (checking the round trip)
//! and hashes both the text and the compressed stream with SHA-256. It needs
//! no imports and no allocator: every buffer lives on the shadow stack.
#![no_std]

use core::panic::PanicInfo;

/// Traps: a failed bounds check or round-trip check ends the run.
#[panic_handler]
fn panic(_info: &PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// Size of the generated text per round.
const INPUT_LEN: usize = 32 * 1024;
/// Worst-case compressed size: one length byte per 127 literals.
const COMPRESSED_CAP: usize = INPUT_LEN + INPUT_LEN / 127 + 16;
/// log2 of the LZ77 hash table size.
const HASH_BITS: u32 = 12;
const MIN_MATCH: usize = 4;
const MAX_MATCH: usize = MIN_MATCH + 127;
const MAX_DISTANCE: usize = u16::MAX as usize;

/// Runs `rounds` rounds of generate / compress / decompress / hash and returns
/// a checksum folding every digest and compressed size.
#[no_mangle]
pub extern "C" fn run(rounds: i32) -> i64 {
    let mut text = [0u8; INPUT_LEN];
    let mut packed = [0u8; COMPRESSED_CAP];
    let mut unpacked = [0u8; INPUT_LEN];
    let mut table = [0u32; 1 << HASH_BITS];
    let mut acc = 0u64;
    for round in 0..rounds.max(0) as u32 {
        let mut rng = XorShift(0x9E37_79B9 ^ round.wrapping_mul(0x85EB_CA6B) | 1);
        generate_text(&mut rng, &mut text);
        let packed_len = compress(&text, &mut packed, &mut table);
        let unpacked_len = decompress(&packed[..packed_len], &mut unpacked);
        assert!(unpacked_len == INPUT_LEN && unpacked == text);
        for digest in [sha256(&text), sha256(&packed[..packed_len])] {
            let mut word = [0u8; 8];
            word.copy_from_slice(&digest[..8]);
            acc = acc.rotate_left(7) ^ u64::from_le_bytes(word);
        }
        acc = acc.wrapping_add(packed_len as u64);
    }
    acc as i64
}

/// Marsaglia xorshift32 generator.
struct XorShift(u32);

impl XorShift {
    fn next(&mut self) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        x
    }
}

/// Fills `out` with words from a small vocabulary, so that it compresses well.
fn generate_text(rng: &mut XorShift, out: &mut [u8]) {
    const WORDS: [&[u8]; 16] = [
        b"the",
        b"quick",
        b"brown",
        b"fox",
        b"jumps",
        b"over",
        b"lazy",
        b"dog",
        b"wasm",
        b"interpreter",
        b"module",
        b"memory",
        b"table",
        b"global",
        b"function",
        b"stack",
    ];
    const SEPARATORS: &[u8] = b"     ,.\n";
    let mut pos = 0;
    while pos < out.len() {
        let r = rng.next();
        let word = WORDS[(r & 15) as usize];
        let sep = SEPARATORS[((r >> 4) & 7) as usize];
        for &byte in word.iter().chain(core::iter::once(&sep)) {
            if pos == out.len() {
                return;
            }
            // Occasional upper-case letters and digits keep the text from being too regular.
            out[pos] = match (r >> 8) & 31 {
                0 => byte.to_ascii_uppercase(),
                1 => b'0' + (r >> 13) as u8 % 10,
                _ => byte,
            };
            pos += 1;
        }
    }
}

fn hash4(bytes: &[u8]) -> usize {
    let v = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    (v.wrapping_mul(2_654_435_761) >> (32 - HASH_BITS)) as usize
}

/// LZ77 with a single-entry hash table. Tokens: `0..=126` = that many + 1
/// literals follow; `0x80 | (len - MIN_MATCH)` + u16 LE distance = a match.
fn compress(input: &[u8], out: &mut [u8], table: &mut [u32; 1 << HASH_BITS]) -> usize {
    table.fill(u32::MAX);
    let mut out_len = 0;
    let mut literal_start = 0;
    let mut pos = 0;
    while pos + MIN_MATCH <= input.len() {
        let h = hash4(&input[pos..]);
        let candidate = table[h] as usize;
        table[h] = pos as u32;
        let len = if candidate < pos && pos - candidate <= MAX_DISTANCE {
            match_length(input, candidate, pos)
        } else {
            0
        };
        if len < MIN_MATCH {
            pos += 1;
            continue;
        }
        out_len = emit_literals(&input[literal_start..pos], out, out_len);
        out[out_len] = 0x80 | (len - MIN_MATCH) as u8;
        out[out_len + 1..out_len + 3].copy_from_slice(&((pos - candidate) as u16).to_le_bytes());
        out_len += 3;
        pos += len;
        literal_start = pos;
    }
    emit_literals(&input[literal_start..], out, out_len)
}

fn match_length(input: &[u8], earlier: usize, pos: usize) -> usize {
    let limit = MAX_MATCH.min(input.len() - pos);
    let mut len = 0;
    while len < limit && input[earlier + len] == input[pos + len] {
        len += 1;
    }
    len
}

fn emit_literals(literals: &[u8], out: &mut [u8], mut out_len: usize) -> usize {
    for chunk in literals.chunks(127) {
        out[out_len] = (chunk.len() - 1) as u8;
        out[out_len + 1..out_len + 1 + chunk.len()].copy_from_slice(chunk);
        out_len += 1 + chunk.len();
    }
    out_len
}

/// Inverse of [`compress`]; returns the number of bytes written.
fn decompress(input: &[u8], out: &mut [u8]) -> usize {
    let (mut pos, mut out_len) = (0, 0);
    while pos < input.len() {
        let token = input[pos] as usize;
        if token < 0x80 {
            let count = token + 1;
            out[out_len..out_len + count].copy_from_slice(&input[pos + 1..pos + 1 + count]);
            out_len += count;
            pos += 1 + count;
        } else {
            let len = (token & 0x7F) + MIN_MATCH;
            let distance = u16::from_le_bytes([input[pos + 1], input[pos + 2]]) as usize;
            // Byte by byte: a match may overlap its own output.
            for i in out_len..out_len + len {
                out[i] = out[i - distance];
            }
            out_len += len;
            pos += 3;
        }
    }
    out_len
}

const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// SHA-256 (FIPS 180-4) of `data`.
fn sha256(data: &[u8]) -> [u8; 32] {
    let mut state: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut blocks = data.chunks_exact(64);
    for block in &mut blocks {
        compress_block(&mut state, block);
    }
    // Padding: 0x80, zeros, then the bit length as u64 BE; one or two blocks.
    let rest = blocks.remainder();
    let mut tail = [0u8; 128];
    tail[..rest.len()].copy_from_slice(rest);
    tail[rest.len()] = 0x80;
    let tail_len = if rest.len() < 56 { 64 } else { 128 };
    tail[tail_len - 8..tail_len].copy_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for block in tail[..tail_len].chunks_exact(64) {
        compress_block(&mut state, block);
    }
    let mut digest = [0u8; 32];
    for (out, word) in digest.chunks_exact_mut(4).zip(state) {
        out.copy_from_slice(&word.to_be_bytes());
    }
    digest
}

fn compress_block(state: &mut [u32; 8], block: &[u8]) {
    let mut w = [0u32; 64];
    for (i, word) in block.chunks_exact(4).enumerate() {
        w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
    }
    for i in 16..64 {
        let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
        let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16]
            .wrapping_add(s0)
            .wrapping_add(w[i - 7])
            .wrapping_add(s1);
    }
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
    for i in 0..64 {
        let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
        let ch = (e & f) ^ (!e & g);
        let t1 = h
            .wrapping_add(s1)
            .wrapping_add(ch)
            .wrapping_add(K[i])
            .wrapping_add(w[i]);
        let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
        let maj = (a & b) ^ (a & c) ^ (b & c);
        let t2 = s0.wrapping_add(maj);
        h = g;
        g = f;
        f = e;
        e = d.wrapping_add(t1);
        d = c;
        c = b;
        b = a;
        a = t1.wrapping_add(t2);
    }
    for (s, v) in state.iter_mut().zip([a, b, c, d, e, f, g, h]) {
        *s = s.wrapping_add(v);
    }
}

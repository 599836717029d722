//! A quick, deterministic hash for maps keyed by the model's own strings (element ids,
//! fingerprint inputs), rebuilt or consulted for every finding of every check. SipHash (the
//! standard library's default) resists keys chosen to collide, which buys nothing here and
//! costs several times more per key, most of all in wasm.

use std::hash::{BuildHasherDefault, Hasher};

/// FxHash's mixing (rustc's hasher): rotate, xor a word, multiply; and a final mix.
#[derive(Clone, Copy, Debug, Default)]
pub struct FastHasher(u64);

impl FastHasher {
    fn add(&mut self, word: u64) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Whole words, then the remaining 0–7 bytes as one word: one step per 8 bytes.
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut buffer = [0u8; 8];
            buffer.copy_from_slice(word);
            self.add(u64::from_le_bytes(buffer));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut buffer = [0u8; 8];
            buffer[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buffer) ^ (rest.len() as u64) << 59);
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.write(&[byte]);
    }

    fn finish(&self) -> u64 {
        // A product's low bits depend only on its factors' low bits, and the hash table picks
        // buckets by the low bits: fold the high half in (as fmix64 does), or ids that differ
        // only in the last bytes of a word (`n-0001`, `n-0002`) would share buckets.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h
    }
}

/// The `BuildHasher` of [`FastHasher`]: `HashMap<K, V, FastBuild>`.
pub type FastBuild = BuildHasherDefault<FastHasher>;

/// A `HashMap` with [`FastHasher`].
pub type FastMap<K, V> = std::collections::HashMap<K, V, FastBuild>;

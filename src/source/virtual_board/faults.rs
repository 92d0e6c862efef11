//! Fault injection: which packets are dropped, damaged or preceded by garbage, and the reproducible random
//! numbers that place the damage and make the garbage.

/// Faults to inject, each counted in data packets (0 = never).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Faults {
    /// Write a burst of random garbage before every Nth packet.
    pub garbage_every: u64,
    /// Do not send every Nth packet (a loss the sequence numbers reveal).
    pub drop_every: u64,
    /// Damage one byte of every Nth packet (the decoder must reject it).
    pub corrupt_every: u64,
}

/// The faults one packet gets.
pub(super) struct PacketFaults {
    /// Not sent at all.
    pub drop: bool,
    /// Sent damaged.
    pub corrupt: bool,
    /// Preceded by garbage.
    pub garbage: bool,
}

impl Faults {
    /// The faults of data packet number `k` (counted from 1).
    pub(super) fn for_packet(&self, k: u64) -> PacketFaults {
        let hits = |every: u64| every > 0 && k.is_multiple_of(every);
        PacketFaults {
            drop: hits(self.drop_every),
            corrupt: hits(self.corrupt_every),
            garbage: hits(self.garbage_every),
        }
    }
}

/// SplitMix64: garbage and damage are reproducible for a seed.
pub(super) struct FaultRng(u64);

impl FaultRng {
    /// A generator for the board seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// 1 to 48 random bytes, as line noise between packets.
    pub fn garbage(&mut self) -> Vec<u8> {
        let n = 1 + (self.next_u64() % 48) as usize;
        (0..n).map(|_| self.next_u64() as u8).collect()
    }
}

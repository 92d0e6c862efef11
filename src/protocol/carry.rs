//! The bytes a fixed-size-packet decoder carries from one `feed` to the next, in a fixed array.
//!
//! A decoder's `process(window) -> consumed` decodes what it can from the front of a window and leaves a tail
//! too short to judge. [`Carry::feed`] runs it over the carried bytes topped up from the new input, then over
//! the input itself, and keeps the undecided tail, so pieces of any size give the same result as one feed.

/// Up to `N` undecided bytes between feeds.
pub(crate) struct Carry<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> Default for Carry<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Carry<N> {
    /// Nothing carried.
    pub fn new() -> Self {
        Self {
            buf: [0; N],
            len: 0,
        }
    }

    /// Bytes carried now.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Runs `process` over the carried bytes and `bytes`. `process` must consume at least one byte of any
    /// window of `N` bytes (it can always judge that much), so every call ends with fewer than `N` carried.
    pub fn feed(&mut self, mut bytes: &[u8], mut process: impl FnMut(&[u8]) -> usize) {
        while self.len > 0 && !bytes.is_empty() {
            let old = self.len;
            let k = (N - old).min(bytes.len());
            self.buf[old..old + k].copy_from_slice(&bytes[..k]);
            self.len += k;
            let used = process(&self.buf[..self.len]);
            if used >= old {
                // Everything carried is decided; go on from the input itself.
                bytes = &bytes[used - old..];
                self.len = 0;
            } else {
                self.buf.copy_within(used..self.len, 0);
                self.len -= used;
                bytes = &bytes[k..];
            }
        }
        if self.len == 0 && !bytes.is_empty() {
            let used = process(bytes);
            let tail = &bytes[used.min(bytes.len())..];
            // `process` leaves fewer than N bytes; `min` only guards the array.
            let n = tail.len().min(N);
            self.buf[..n].copy_from_slice(&tail[tail.len() - n..]);
            self.len = n;
        }
    }
}

/// The `Decoder` impl of a decoder made of `carry: Carry<N>` and a `state` with `counters`,
/// `process(window, sink) -> consumed` and `held()` (bytes it keeps itself besides the carry).
macro_rules! carried_decoder {
    ($t:ty) => {
        impl Decoder for $t {
            fn feed(&mut self, bytes: &[u8], sink: &mut dyn FnMut(Event<'_>)) {
                self.state.counters.bytes += bytes.len() as u64;
                let state = &mut self.state;
                self.carry.feed(bytes, |w| state.process(w, sink));
            }

            fn counters(&self) -> DecodeCounters {
                self.state.counters
            }

            fn buffered(&self) -> usize {
                self.carry.len() + self.state.held()
            }
        }
    };
}
pub(crate) use carried_decoder;

#[cfg(test)]
mod tests {
    use super::Carry;

    /// A toy framing: 3-byte packets starting with 0xAA; anything else is skipped a byte at a time.
    fn process(w: &[u8], out: &mut Vec<[u8; 3]>) -> usize {
        let mut i = 0;
        while w.len() - i >= 3 {
            if w[i] == 0xAA {
                out.push([w[i], w[i + 1], w[i + 2]]);
                i += 3;
            } else {
                i += 1;
            }
        }
        i
    }

    #[test]
    fn pieces_of_any_size_give_what_one_feed_gives() {
        let data: Vec<u8> = (0..200u32)
            .map(|i| if i % 7 == 0 { 0xAA } else { i as u8 })
            .collect();
        let mut whole = Vec::new();
        let mut c = Carry::<6>::new();
        c.feed(&data, |w| process(w, &mut whole));
        for size in 1..9 {
            let mut got = Vec::new();
            let mut c = Carry::<6>::new();
            for piece in data.chunks(size) {
                c.feed(piece, |w| process(w, &mut got));
                assert!(c.len() < 6);
            }
            assert_eq!(got, whole, "pieces of {size}");
        }
    }
}

//! OSC 1.0 messages over UDP, encoded by hand (the format is a few lines: padded strings, a type tag
//! string, big-endian arguments; bundles of messages). Sent only to the address the user gave.

use std::net::{SocketAddr, UdpSocket};

/// An OSC argument.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OscArg {
    /// `f`: 32-bit float.
    Float(f32),
    /// `d`: 64-bit float.
    Double(f64),
}

/// Appends `s` as an OSC string: its bytes, a NUL, padded with NULs to a multiple of 4.
fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(s.as_bytes());
    out.push(0);
    while !out.len().is_multiple_of(4) {
        out.push(0);
    }
}

/// Appends one message (address, type tags, arguments).
pub fn encode_message(out: &mut Vec<u8>, address: &str, args: &[OscArg]) {
    put_str(out, address);
    let mut tags = String::from(",");
    for a in args {
        tags.push(match a {
            OscArg::Float(_) => 'f',
            OscArg::Double(_) => 'd',
        });
    }
    put_str(out, &tags);
    for a in args {
        match a {
            OscArg::Float(v) => out.extend_from_slice(&v.to_be_bytes()),
            OscArg::Double(v) => out.extend_from_slice(&v.to_be_bytes()),
        }
    }
}

/// Builds a bundle ("#bundle", time tag 1 = "now", then each element with its size).
#[derive(Debug, Default)]
pub struct Bundle {
    bytes: Vec<u8>,
    scratch: Vec<u8>,
}

impl Bundle {
    /// Starts a new bundle in place (the buffers are reused).
    pub fn begin(&mut self) {
        self.bytes.clear();
        put_str(&mut self.bytes, "#bundle");
        self.bytes.extend_from_slice(&1u64.to_be_bytes());
    }

    /// Adds one message.
    pub fn message(&mut self, address: &str, args: &[OscArg]) {
        self.scratch.clear();
        encode_message(&mut self.scratch, address, args);
        self.bytes
            .extend_from_slice(&(self.scratch.len() as u32).to_be_bytes());
        self.bytes.extend_from_slice(&self.scratch);
    }

    /// The encoded bundle.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// A muscle name as an OSC address part: lower case, letters, digits and `_` only.
pub fn address_part(name: &str) -> String {
    let s: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() { "channel".into() } else { s }
}

/// The UDP socket, bound to an ephemeral port only when the user turned OSC on.
pub struct OscSocket {
    socket: UdpSocket,
    to: SocketAddr,
}

impl OscSocket {
    /// Binds a socket of the destination's family (loopback destinations from loopback).
    pub fn open(to: SocketAddr) -> std::io::Result<Self> {
        let local: SocketAddr = match (to.is_ipv4(), to.ip().is_loopback()) {
            (true, true) => "127.0.0.1:0".parse().expect("literal"),
            (true, false) => "0.0.0.0:0".parse().expect("literal"),
            (false, true) => "[::1]:0".parse().expect("literal"),
            (false, false) => "[::]:0".parse().expect("literal"),
        };
        let socket = UdpSocket::bind(local)?;
        socket.set_nonblocking(true)?;
        Ok(Self { socket, to })
    }

    /// Sends one datagram; a full socket buffer drops it (returns false) rather than waiting.
    pub fn send(&self, bytes: &[u8]) -> bool {
        self.socket.send_to(bytes, self.to).is_ok()
    }
}

/// Decodes one message (for tests and tools): address and arguments.
pub fn decode_message(b: &[u8]) -> Option<(String, Vec<OscArg>)> {
    let (addr, rest) = take_str(b)?;
    let (tags, mut rest) = take_str(rest)?;
    let mut args = Vec::new();
    for t in tags.strip_prefix(',')?.chars() {
        match t {
            'f' => {
                args.push(OscArg::Float(f32::from_be_bytes(
                    rest.get(..4)?.try_into().ok()?,
                )));
                rest = &rest[4..];
            }
            'd' => {
                args.push(OscArg::Double(f64::from_be_bytes(
                    rest.get(..8)?.try_into().ok()?,
                )));
                rest = &rest[8..];
            }
            _ => return None,
        }
    }
    Some((addr, args))
}

/// Decodes a bundle into its messages (a lone message decodes as a bundle of one).
pub fn decode_packet(b: &[u8]) -> Option<Vec<(String, Vec<OscArg>)>> {
    if !b.starts_with(b"#bundle\0") {
        return Some(vec![decode_message(b)?]);
    }
    let mut rest = b.get(16..)?;
    let mut out = Vec::new();
    while !rest.is_empty() {
        let n = u32::from_be_bytes(rest.get(..4)?.try_into().ok()?) as usize;
        out.push(decode_message(rest.get(4..4 + n)?)?);
        rest = &rest[4 + n..];
    }
    Some(out)
}

fn take_str(b: &[u8]) -> Option<(String, &[u8])> {
    let end = b.iter().position(|&c| c == 0)?;
    let s = std::str::from_utf8(&b[..end]).ok()?.to_string();
    let padded = (end + 4) / 4 * 4;
    Some((s, b.get(padded..)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_bytes_follow_the_spec_and_decode_back() {
        let mut b = Vec::new();
        encode_message(&mut b, "/a", &[OscArg::Float(1.0)]);
        // "/a\0\0" ",f\0\0" then 1.0f32 big-endian (the OSC 1.0 spec's layout).
        assert_eq!(b, [b'/', b'a', 0, 0, b',', b'f', 0, 0, 0x3f, 0x80, 0, 0]);
        let mut bundle = Bundle::default();
        bundle.begin();
        bundle.message("/innervate/time", &[OscArg::Double(2.5)]);
        bundle.message("/innervate/biceps/envelope", &[OscArg::Float(12.5)]);
        let msgs = decode_packet(bundle.bytes()).unwrap();
        assert_eq!(
            msgs[0],
            ("/innervate/time".into(), vec![OscArg::Double(2.5)])
        );
        assert_eq!(msgs[1].1, vec![OscArg::Float(12.5)]);
        assert_eq!(address_part("Biceps brachii (L)"), "biceps_brachii__l_");
    }
}

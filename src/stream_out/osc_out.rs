//! Envelopes, %MVC and co-contraction as OSC bundles at a chosen rate: one bundle per instant, with
//! `/innervate/time` (stream seconds, `d`) first, then `/innervate/<muscle>/envelope` (uV, `f`),
//! `/innervate/<muscle>/mvc` (%MVC, `f`, once calibrated) and `/innervate/pair/<n>/ratio` and `/cci`.

use super::EnvelopePoints;
use super::OutputLayout;
use super::osc::{Bundle, OscArg, OscSocket, address_part};
use std::net::SocketAddr;

/// The OSC sender while OSC output is on.
pub struct OscOut {
    socket: OscSocket,
    /// Stream seconds between bundles.
    period_s: f64,
    /// Stream time of the next bundle.
    next_s: Option<f64>,
    envelope_addr: Vec<String>,
    mvc_addr: Vec<String>,
    pair_addr: Vec<(String, String)>,
    bundle: Bundle,
}

impl OscOut {
    /// Binds the socket (the only moment Innervate opens one for OSC).
    pub fn open(
        to: SocketAddr,
        rate_hz: f64,
        layout: &OutputLayout,
    ) -> Result<Self, super::OutputError> {
        if !(rate_hz.is_finite() && rate_hz > 0.0) {
            return Err(super::OutputError::Socket(format!(
                "the OSC rate must be above 0 Hz, not {rate_hz}"
            )));
        }
        let socket =
            OscSocket::open(to).map_err(|e| super::OutputError::Socket(format!("{to}: {e}")))?;
        let names: Vec<String> = layout
            .channel_names
            .iter()
            .map(|n| address_part(n))
            .collect();
        Ok(Self {
            socket,
            period_s: 1.0 / rate_hz,
            next_s: None,
            envelope_addr: names
                .iter()
                .map(|n| format!("/innervate/{n}/envelope"))
                .collect(),
            mvc_addr: names
                .iter()
                .map(|n| format!("/innervate/{n}/mvc"))
                .collect(),
            pair_addr: (1..=layout.pair_names.len())
                .map(|k| {
                    (
                        format!("/innervate/pair/{k}/ratio"),
                        format!("/innervate/pair/{k}/cci"),
                    )
                })
                .collect(),
            bundle: Bundle::default(),
        })
    }

    /// Sends a bundle for each point due at the chosen rate; returns how many went out.
    pub fn points(&mut self, p: &EnvelopePoints, mvc: &[Option<f64>]) -> u64 {
        let mut sent = 0;
        for i in 0..p.points {
            let t = p.first_time_s + i as f64 * p.step_s;
            let next = *self.next_s.get_or_insert(t);
            // Half a display step of slack, so a rate equal to the display rate sends every point.
            if t + 0.5 * p.step_s < next {
                continue;
            }
            // Behind (a dropped chunk): start again from this point rather than catch up in a burst.
            let mut n = next + self.period_s;
            if n <= t {
                n = t + self.period_s;
            }
            self.next_s = Some(n);
            self.bundle.begin();
            self.bundle.message("/innervate/time", &[OscArg::Double(t)]);
            for (c, addr) in self.envelope_addr.iter().enumerate() {
                let e = p.envelope[c][i];
                self.bundle.message(addr, &[OscArg::Float(e)]);
                if let Some(Some(m)) = mvc.get(c)
                    && *m > 0.0
                {
                    let pct = (100.0 * e as f64 / m) as f32;
                    self.bundle
                        .message(&self.mvc_addr[c], &[OscArg::Float(pct)]);
                }
            }
            for (k, (ratio, cci)) in self.pair_addr.iter().enumerate() {
                self.bundle.message(ratio, &[OscArg::Float(p.ratio[k][i])]);
                self.bundle.message(cci, &[OscArg::Float(p.cci[k][i])]);
            }
            if self.socket.send(self.bundle.bytes()) {
                sent += 1;
            }
        }
        sent
    }
}

//! External media over RTP (`channels/externalMedia` with `rtp` over `udp`):
//! a `UnicastRTP/` channel whose far end is a UDP peer. What the channel is
//! sent (by a bridge, a playback) leaves as RTP packets to `external_host`;
//! RTP arriving on its local port is what the channel hears. As in Asterisk,
//! the local address and port are in the channel variables
//! `UNICASTRTP_LOCAL_ADDRESS` and `UNICASTRTP_LOCAL_PORT`.

use super::channel::{ChanState, Channel};
use super::local::Start;
use super::{Core, Frame};
use ari_media::{Format, RATE_NB};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Weak};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

/// An RTP payload format: codec and payload type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Codec {
    format: Format,
    payload_type: u8,
}

impl Codec {
    /// The codec for an ARI format name (`ulaw`, `alaw`, `slin`, `slin16`).
    pub fn parse(name: &str) -> Option<Codec> {
        let (format, payload_type) = match name {
            "ulaw" => (Format::Ulaw, 0),
            "alaw" => (Format::Alaw, 8),
            "slin" | "slin8" => (Format::Sln, 118),
            "slin16" => (Format::Sln16, 118),
            _ => return None,
        };
        Some(Codec {
            format,
            payload_type,
        })
    }

    fn encode(self, samples: &[i16]) -> Vec<u8> {
        match self.format {
            Format::Ulaw => ari_media::ulaw::encode_slice(samples),
            Format::Alaw => ari_media::alaw::encode_slice(samples),
            // Linear audio travels big-endian on the wire (RFC 3551 L16).
            _ => {
                let s = if self.format.rate() == RATE_NB {
                    samples.to_vec()
                } else {
                    ari_media::resample(samples, RATE_NB, self.format.rate())
                };
                s.iter().flat_map(|x| x.to_be_bytes()).collect()
            }
        }
    }

    fn decode(self, payload: &[u8]) -> Vec<i16> {
        match self.format {
            Format::Ulaw => ari_media::ulaw::decode_slice(payload),
            Format::Alaw => ari_media::alaw::decode_slice(payload),
            _ => {
                let s: Vec<i16> = payload
                    .chunks_exact(2)
                    .map(|b| i16::from_be_bytes([b[0], b[1]]))
                    .collect();
                if self.format.rate() == RATE_NB {
                    s
                } else {
                    ari_media::resample(&s, self.format.rate(), RATE_NB)
                }
            }
        }
    }

    /// Samples per 20 ms packet, at the codec's clock rate.
    fn timestamp_step(self) -> u32 {
        self.format.rate() / 50
    }
}

/// Why an external media channel could not be made.
#[derive(Debug)]
pub enum Error {
    /// The parameters do not describe something this server can do.
    Invalid(String),
    /// The id is taken.
    Exists,
}

/// Creates a `UnicastRTP/` channel exchanging `codec` audio with `remote`,
/// and starts it in Stasis with `app_data`.
pub async fn create(
    core: &Arc<Core>,
    id: Option<String>,
    remote: SocketAddr,
    codec: Codec,
    app_data: String,
) -> Result<Arc<Channel>, Error> {
    // Listen where the peer can reach us: loopback for a local peer.
    let ip: IpAddr = match (remote.is_ipv6(), remote.ip().is_loopback()) {
        (false, true) => Ipv4Addr::LOCALHOST.into(),
        (false, false) => Ipv4Addr::UNSPECIFIED.into(),
        (true, true) => Ipv6Addr::LOCALHOST.into(),
        (true, false) => Ipv6Addr::UNSPECIFIED.into(),
    };
    let socket = UdpSocket::bind(SocketAddr::new(ip, 0))
        .await
        .map_err(|e| Error::Invalid(format!("cannot open an RTP port: {e}")))?;
    let local = socket
        .local_addr()
        .map_err(|e| Error::Invalid(format!("cannot open an RTP port: {e}")))?;
    let name = format!("UnicastRTP/{remote}-{}", core.new_name_suffix());
    let data = core.chan_data(ChanState::Up, "default", "s");
    let chan = core.create_channel(id, name, data).ok_or(Error::Exists)?;
    chan.update(|d| {
        d.vars
            .insert("UNICASTRTP_LOCAL_ADDRESS".into(), local.ip().to_string());
        d.vars
            .insert("UNICASTRTP_LOCAL_PORT".into(), local.port().to_string());
    });
    let (tx, rx) = mpsc::unbounded_channel();
    chan.set_outbound(Some(tx));
    core.announce(&chan);
    tokio::spawn(run(
        Arc::new(socket),
        remote,
        codec,
        Arc::downgrade(&chan),
        rx,
    ));
    core.start(&chan, Start::App("Stasis".into(), app_data));
    Ok(chan)
}

/// Sends what the channel is sent, receives what its peer sends, until the
/// channel is gone.
async fn run(
    socket: Arc<UdpSocket>,
    remote: SocketAddr,
    codec: Codec,
    chan: Weak<Channel>,
    mut outbound: mpsc::UnboundedReceiver<Frame>,
) {
    let ssrc: u32 = rand::random();
    let mut seq: u16 = rand::random();
    let mut timestamp: u32 = rand::random();
    let mut buf = vec![0u8; 2048];
    loop {
        tokio::select! {
            frame = outbound.recv() => {
                let Some(frame) = frame else { return };
                let Frame::Voice(samples) = frame else { continue };
                let mut packet = Vec::with_capacity(12 + samples.len() * 2);
                packet.push(0x80);
                packet.push(codec.payload_type & 0x7f);
                packet.extend_from_slice(&seq.to_be_bytes());
                packet.extend_from_slice(&timestamp.to_be_bytes());
                packet.extend_from_slice(&ssrc.to_be_bytes());
                packet.extend_from_slice(&codec.encode(&samples));
                let _ = socket.send_to(&packet, remote).await;
                seq = seq.wrapping_add(1);
                timestamp = timestamp.wrapping_add(codec.timestamp_step());
            }
            got = socket.recv_from(&mut buf) => {
                let Ok((n, _from)) = got else { continue };
                let Some(payload) = rtp_payload(&buf[..n]) else { continue };
                let Some(chan) = chan.upgrade() else { return };
                let samples = codec.decode(payload);
                if !samples.is_empty() {
                    chan.deliver(Frame::Voice(samples.into()));
                }
            }
        }
    }
}

/// The payload of an RTP packet (version 2), skipping CSRCs, the header
/// extension and padding; `None` for anything else.
pub fn rtp_payload(packet: &[u8]) -> Option<&[u8]> {
    if packet.len() < 12 || packet[0] >> 6 != 2 {
        return None;
    }
    let csrc = (packet[0] & 0x0f) as usize;
    let mut start = 12 + 4 * csrc;
    if packet[0] & 0x10 != 0 {
        let ext = packet.get(start + 2..start + 4)?;
        start += 4 + 4 * u16::from_be_bytes([ext[0], ext[1]]) as usize;
    }
    let mut end = packet.len();
    if packet[0] & 0x20 != 0 {
        end = end.checked_sub(*packet.last()? as usize)?;
    }
    packet.get(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads() {
        let mut p = vec![0x80, 0, 0, 1, 0, 0, 0, 160, 1, 2, 3, 4];
        p.extend_from_slice(&[9, 9]);
        assert_eq!(rtp_payload(&p), Some(&[9u8, 9][..]));
        assert_eq!(rtp_payload(&p[..11]), None);
        assert_eq!(rtp_payload(&[0x40; 20]), None, "version 1");
        let mut padded = p.clone();
        padded[0] |= 0x20;
        padded.extend_from_slice(&[0, 2]);
        assert_eq!(rtp_payload(&padded), Some(&[9u8, 9][..]));
        let codec = Codec::parse("slin16").unwrap();
        let back = codec.decode(&codec.encode(&[1000; 160]));
        assert_eq!(back.len(), 160);
        assert!(Codec::parse("opus").is_none());
    }
}

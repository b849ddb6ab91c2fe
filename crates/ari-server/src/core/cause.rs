//! Hangup causes: Q.850 numbers, the texts Asterisk gives them, and the
//! names ARI's `hangup?reason=` accepts.

/// Normal call clearing (16).
pub const NORMAL_CLEARING: i32 = 16;
/// User busy (17).
pub const USER_BUSY: i32 = 17;
/// No user responding (18).
pub const NO_USER_RESPONSE: i32 = 18;
/// User alerting, no answer (19).
pub const NO_ANSWER: i32 = 19;
/// Call rejected (21).
pub const CALL_REJECTED: i32 = 21;
/// Unallocated number (1).
pub const UNALLOCATED: i32 = 1;
/// Normal, unspecified (31).
pub const NORMAL_UNSPECIFIED: i32 = 31;
/// Circuit/channel congestion (34).
pub const CONGESTION: i32 = 34;
/// Network out of order (38).
pub const NETWORK_OUT_OF_ORDER: i32 = 38;

const TEXTS: &[(i32, &str)] = &[
    (0, "Unknown"),
    (1, "Unallocated (unassigned) number"),
    (2, "No route to specified transmit network"),
    (3, "No route to destination"),
    (6, "Channel unacceptable"),
    (
        7,
        "Call awarded and being delivered in an established channel",
    ),
    (16, "Normal Clearing"),
    (17, "User busy"),
    (18, "No user responding"),
    (19, "User alerting, no answer"),
    (21, "Call Rejected"),
    (22, "Number changed"),
    (23, "Redirected to new destination"),
    (26, "Answered elsewhere"),
    (27, "Destination out of order"),
    (28, "Invalid number format"),
    (29, "Facility rejected"),
    (30, "Response to STATus ENQuiry"),
    (31, "Normal, unspecified"),
    (34, "Circuit/channel congestion"),
    (38, "Network out of order"),
    (41, "Temporary failure"),
    (42, "Switching equipment congestion"),
    (43, "Access information discarded"),
    (44, "Requested channel not available"),
    (50, "Facility not subscribed"),
    (52, "Outgoing call barred"),
    (54, "Incoming call barred"),
    (57, "Bearer capability not authorized"),
    (58, "Bearer capability not available"),
    (65, "Bearer capability not implemented"),
    (66, "Channel not implemented"),
    (69, "Facility not implemented"),
    (81, "Invalid call reference value"),
    (88, "Incompatible destination"),
    (95, "Invalid message unspecified"),
    (96, "Mandatory information element is missing"),
    (97, "Message type nonexist."),
    (98, "Wrong message"),
    (99, "Info. element nonexist or not implemented"),
    (100, "Invalid information element contents"),
    (101, "Message not compatible with call state"),
    (102, "Recover on timer expiry"),
    (103, "Mandatory IE length error"),
    (111, "Protocol error, unspecified"),
    (127, "Interworking, unspecified"),
];

/// The text Asterisk gives a cause (`cause_txt`).
pub fn text(cause: i32) -> &'static str {
    TEXTS
        .iter()
        .find(|(c, _)| *c == cause)
        .map_or("Unknown", |(_, t)| t)
}

/// The cause for an ARI hangup `reason` name.
pub fn from_reason(reason: &str) -> Option<i32> {
    Some(match reason {
        "normal" => NORMAL_CLEARING,
        "busy" => USER_BUSY,
        "congestion" => CONGESTION,
        "no_answer" => NO_ANSWER,
        "timeout" => NO_USER_RESPONSE,
        "rejected" => CALL_REJECTED,
        "unallocated" => UNALLOCATED,
        "normal_unspecified" => NORMAL_UNSPECIFIED,
        "number_incomplete" => 28,
        "codec_mismatch" => 58,
        "interworking" => 127,
        "failure" => NETWORK_OUT_OF_ORDER,
        "answered_elsewhere" => 26,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_and_reasons() {
        assert_eq!(text(16), "Normal Clearing");
        assert_eq!(text(0), "Unknown");
        assert_eq!(text(250), "Unknown");
        assert_eq!(from_reason("busy"), Some(17));
        assert_eq!(from_reason("loud"), None);
        let reasons = ari_spec::find("channels", "hangup")
            .unwrap()
            .param("reason")
            .unwrap();
        if let ari_spec::Allowed::Values(values) = reasons.allowed {
            for v in values {
                assert!(from_reason(v).is_some(), "reason {v} has no cause");
            }
        }
    }
}

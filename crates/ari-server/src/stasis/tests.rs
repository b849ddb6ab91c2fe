use super::*;
use ari_types::ChannelUserevent;
use tokio::sync::{mpsc, Notify};

fn conn(id: u64) -> (Connection, mpsc::Receiver<Outgoing>) {
    let (tx, rx) = mpsc::channel(16);
    (
        Connection {
            id,
            tx,
            close: Arc::new(Notify::new()),
            overflowed: Default::default(),
        },
        rx,
    )
}

fn user_event(name: &str) -> Event {
    Event::ChannelUserevent(ChannelUserevent {
        eventname: name.into(),
        channel: None,
        bridge: None,
        endpoint: None,
        userevent: Default::default(),
    })
}

fn received(rx: &mut mpsc::Receiver<Outgoing>) -> Vec<serde_json::Value> {
    let mut out = vec![];
    while let Ok(Outgoing::Event(json)) = rx.try_recv() {
        out.push(serde_json::from_str(&json).unwrap());
    }
    out
}

#[test]
fn routes_by_topic_kind_and_technology() {
    let s = Stasis::new("id");
    let (c, mut rx) = conn(1);
    s.register("a", c, false);
    s.subscribe(
        "a",
        &[Topic::Channel("c1".into()), Topic::Endpoint("PJSIP".into())],
    )
    .unwrap();
    assert_eq!(
        s.publish(&user_event("one"), &[Topic::Channel("c1".into())]),
        1
    );
    assert_eq!(
        s.publish(&user_event("two"), &[Topic::Channel("c2".into())]),
        0
    );
    assert_eq!(
        s.publish(
            &user_event("three"),
            &[Topic::Endpoint("PJSIP/alice".into())]
        ),
        1
    );
    assert_eq!(
        s.publish(&user_event("four"), &[Topic::Endpoint("SIP/bob".into())]),
        0
    );
    let got = received(&mut rx);
    let names: Vec<&str> = got
        .iter()
        .map(|e| e["eventname"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["one", "three"]);
    assert!(got
        .iter()
        .all(|e| e["application"] == "a" && e["asterisk_id"] == "id"));
}

#[test]
fn subscribe_all_and_filters() {
    let s = Stasis::new("id");
    let (c, mut rx) = conn(1);
    s.register("all", c, true);
    assert_eq!(
        s.publish(&user_event("x"), &[Topic::Bridge("b9".into())]),
        1
    );
    s.set_filter(
        "all",
        vec![],
        vec![EventFilter {
            kind: "ChannelUserevent".into(),
        }],
    )
    .unwrap();
    assert_eq!(
        s.publish(&user_event("y"), &[Topic::Bridge("b9".into())]),
        0
    );
    assert!(!s.send_to("all", &user_event("z")));
    s.set_filter(
        "all",
        vec![EventFilter {
            kind: "StasisStart".into(),
        }],
        vec![],
    )
    .unwrap();
    assert_eq!(
        s.publish(&user_event("w"), &[Topic::Bridge("b9".into())]),
        0
    );
    assert_eq!(received(&mut rx).len(), 1);
}

#[test]
fn replacement_moves_the_application() {
    let s = Stasis::new("id");
    let (c1, mut rx1) = conn(1);
    let (c2, mut rx2) = conn(2);
    s.register("a", c1, false);
    s.register("a", c2, false);
    let old = received(&mut rx1);
    assert_eq!(old.len(), 1);
    assert_eq!(old[0]["type"], "ApplicationReplaced");
    assert!(s.send_to("a", &user_event("new")));
    assert!(received(&mut rx1).is_empty());
    assert_eq!(received(&mut rx2).len(), 1);
    // The old socket closing does not unregister the application it lost.
    s.unregister_connection(&["a".into()], 1);
    assert!(s.is_registered("a"));
    s.unregister_connection(&["a".into()], 2);
    assert!(!s.is_registered("a"));
}

#[test]
fn the_topic_index_follows_every_change() {
    let s = Stasis::new("id");
    let (c, mut rx) = conn(1);
    s.register("a", c, false);
    let ch = |id: &str| Topic::Channel(id.into());
    s.subscribe("a", &[ch("c1"), ch("c2")]).unwrap();
    s.subscribe("a", &[ch("c1")]).unwrap();
    assert_eq!(s.index.read().len(), 2);
    assert_eq!(
        s.publish(&user_event("one"), &[ch("c1")]),
        1,
        "subscribed twice, delivered once"
    );
    s.unsubscribe("a", &[ch("c1")]).unwrap();
    assert_eq!(s.publish(&user_event("two"), &[ch("c1")]), 0);
    s.forget_topic(&ch("c2"));
    assert!(s.index.read().is_empty());
    assert_eq!(s.info("a").unwrap().channel_ids, Vec::<String>::new());
    assert_eq!(received(&mut rx).len(), 1);
    // An application that goes and comes back starts with no subscriptions.
    s.subscribe("a", &[ch("c3")]).unwrap();
    s.unregister_connection(&["a".into()], 1);
    assert!(
        s.index.read().is_empty(),
        "nothing left of the departed application"
    );
    let (c, mut rx) = conn(2);
    s.register("a", c, false);
    assert_eq!(s.publish(&user_event("three"), &[ch("c3")]), 0);
    assert!(received(&mut rx).is_empty());
}

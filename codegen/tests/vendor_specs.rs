//! Documents as vendors publish them: schema files under absolute `$id`s,
//! fragment-only `$id`s, messages in shared files, v3 replies, messages
//! routed by a field their payloads pin, and every dangling `$ref` reported.

use eventbind_codegen::model::{Catalog, RouteOrigin, RouteRule, TyKind, TypeKind};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpora/asyncapi-spec-examples")
        .join(name)
}

fn catalog(path: &Path) -> Catalog {
    eventbind_codegen::load(path)
        .unwrap_or_else(|e| panic!("{e}"))
        .catalog
}

fn field_type(catalog: &Catalog, ty: &str, wire: &str) -> TyKind {
    let def = catalog
        .type_named(ty)
        .unwrap_or_else(|| panic!("type {ty}"));
    let TypeKind::Struct { fields, .. } = &def.kind else {
        panic!("{ty} is a struct")
    };
    let field = fields.iter().find(|f| f.wire == wire).expect(wire);
    field.ty.kind.clone()
}

fn named(name: &str) -> TyKind {
    TyKind::Named { name: name.into() }
}

#[test]
fn relative_refs_under_absolute_ids_resolve_to_the_files_beside_them() {
    let catalog = catalog(&fixture("asyncapi/ids"));
    // order.json -> line-item.json (by relative path under the $id folder)
    // -> common/money.json; "customer" -> the file whose $id it is.
    let TyKind::Array { items } = field_type(&catalog, "Order", "lines") else {
        panic!("lines is an array")
    };
    assert_eq!(items.kind, named("LineItem"));
    assert_eq!(field_type(&catalog, "LineItem", "price"), named("Money"));
    assert_eq!(field_type(&catalog, "Order", "customer"), named("People"));
    // `"$id": "#/properties/note"` does not move the base: `#` is the root.
    assert_eq!(field_type(&catalog, "OrderNote", "parent"), named("Order"));
    assert_eq!(catalog.messages[0].name, "orderPlaced", "named by its key");
}

#[test]
fn every_dangling_ref_is_reported_with_the_escaped_pointer_meant() {
    let path = fixture("errors/dangling/asyncapi.yaml");
    let error = eventbind_codegen::load(&path).unwrap_err();
    assert_eq!(error.file, path);
    assert!(error.pointer.ends_with("/$ref"), "{error}");
    assert!(
        error.message.starts_with("4 $refs cannot be resolved"),
        "{error}"
    );
    for pointer in [
        "#/operations/onSignup/channel/$ref",
        "#/operations/onSignup/messages/0/$ref",
        "#/components/schemas/User/properties/address/$ref",
        "#/channels/user~1signedup/messages/signedUp/payload/properties/plan/$ref",
    ] {
        assert!(error.message.contains(pointer), "{pointer} in {error}");
    }
    assert!(
        error
            .message
            .contains("did you mean \"#/channels/user~1signedup/messages/signedUp\"?"),
        "{error}"
    );
    assert!(
        error
            .message
            .contains("did you mean \"#/channels/user~1signedup\"?"),
        "{error}"
    );
}

#[test]
fn an_unresolvable_ref_under_an_id_names_the_id() {
    let error = eventbind_codegen::load(&fixture("errors/id-base")).unwrap_err();
    assert!(error.message.starts_with("2 $refs"), "{error}");
    assert!(
        error.message.contains(
            "read against the base https://schemas.example.com/things/thing.json that the $id at"
        ),
        "{error}"
    );
    assert!(
        error
            .message
            .contains("(https://schemas.example.com/things/part.json) is not fetched"),
        "{error}"
    );
}

#[test]
fn messages_in_shared_files_keep_their_own_names() {
    for version in ["v2.6.0", "v3.0.0"] {
        // The services share `../common`, outside the service's folder (the
        // default root): allowed explicitly.
        let options = eventbind_codegen::LoadOptions::default()
            .allow_root(corpus(version).join("social-media/common"));
        let spec = corpus(version).join("social-media/comments-service/asyncapi.yaml");
        let catalog = eventbind_codegen::load_with(&spec, &options)
            .unwrap_or_else(|e| panic!("{e}"))
            .catalog;
        let names: Vec<&str> = catalog.messages.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["commentLiked", "commentChanged"], "{version}");
    }
}

#[test]
fn replies_get_event_enums_routed_by_the_field_their_payloads_pin() {
    let catalog = catalog(&fixture("asyncapi/replies"));
    let reply = catalog
        .operations
        .iter()
        .find(|o| o.reply_to.as_deref() == Some("sendSubscribe"))
        .expect("a reply operation");
    assert_eq!(reply.enum_name, "SendSubscribeReplyEvent");
    assert_eq!(
        reply.route,
        RouteRule::Field {
            pointer: "/event".into()
        }
    );
    assert_eq!(reply.route_origin, RouteOrigin::Payloads);
    let keys: Vec<(&str, &[String])> = reply
        .messages
        .iter()
        .map(|m| (m.message.as_str(), m.keys.as_slice()))
        .collect();
    assert_eq!(
        keys,
        [
            ("subscribed", &["subscribed".to_string()][..]),
            ("rejected", &["rejected".to_string()][..]),
            ("pong", &["pong".to_string()][..]),
        ]
    );
    let source = eventbind_codegen::rust_module(&catalog, "replies").unwrap();
    assert!(
        source.contains("pub enum SendSubscribeReplyEvent"),
        "{source}"
    );
    assert!(source.contains("read from the payload schemas"), "{source}");

    let kraken = catalog_of_kraken();
    let reply = kraken
        .operations
        .iter()
        .find(|o| o.id == "subscribeReply")
        .expect("kraken's reply");
    assert_eq!(reply.enum_name, "SubscribeReplyEvent");
    assert_eq!(reply.route_origin, RouteOrigin::Payloads);
}

fn catalog_of_kraken() -> Catalog {
    catalog(&corpus(
        "v3.0.0/kraken-websocket-request-reply-multiple-channels-asyncapi.yml",
    ))
}

#[test]
fn body_routing_without_options_reads_const_enum_and_discriminator() {
    let discriminated = catalog(&fixture("asyncapi/websocket-discriminator"));
    let operation = &discriminated.operations[0];
    assert_eq!(
        operation.route,
        RouteRule::Field {
            pointer: "/kind".into()
        }
    );
    assert_eq!(operation.messages[0].keys, ["circle"]);
    assert_eq!(operation.messages[1].keys, ["sq"], "the mapping's key");

    let enveloped = catalog(&fixture("asyncapi/websocket-enum"));
    let operation = &enveloped.operations[0];
    assert_eq!(
        operation.route,
        RouteRule::Field {
            pointer: "/meta/type".into()
        }
    );
    assert_eq!(operation.messages[1].keys, ["message.posted"]);

    // Slack gives two messages the same `type`: nothing is inferred.
    let slack = catalog(&corpus("v3.0.0/slack-rtm-asyncapi.yml"));
    let operation = slack
        .operations
        .iter()
        .find(|o| o.id == "sendMessages")
        .unwrap();
    assert_eq!(operation.route, RouteRule::Name);
    assert_eq!(operation.route_origin, RouteOrigin::Default);
}

#[test]
fn untitled_things_are_named_from_what_they_hold_before_their_position() {
    let catalog = catalog(&fixture("asyncapi/positional"));
    let names: Vec<&str> = catalog.messages.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Canvas cleared",          // its title
            "Drawing",                 // its payload's $ref
            "undo",                    // the value its payload pins
            "receiveDrawingsMessage3", // nothing else: its position
        ]
    );
    let variants = |ty: &str| match &catalog.type_named(ty).unwrap().kind {
        TypeKind::Union { variants, .. } => {
            variants.iter().map(|v| v.name.clone()).collect::<Vec<_>>()
        }
        other => panic!("{ty}: {other:?}"),
    };
    assert_eq!(
        variants("DrawingShapesItem"),
        ["Circle", "Square"],
        "pinned values"
    );
    assert_eq!(
        variants("DrawingAnchorsItem"),
        ["Object", "ObjectWithY"],
        "alike branches: by a member only the later one declares, still typed"
    );
    let TyKind::Array { items } = field_type(&catalog, "Drawing", "layers") else {
        panic!("layers is an array")
    };
    assert_eq!(items.kind, named("Layer"), "the items' title");
}

"""The signature every delivery carries, checked against a vector computed outside Python
(``printf '1700000000.{body}' | openssl dgst -sha256 -hmac whsec_test_secret``)."""

from modules.webhooks.signing import webhook_signature, webhook_verify_signature

SECRET = "whsec_test_secret"
TIMESTAMP = 1700000000
BODY = b'{"id":"evt_1","type":"order.created"}'
VECTOR = "sha256=479d263a26872ce2aeda9f217b43b4c9870314fba787aeb383c38d7c7a296e24"


def test_known_vector():
    assert webhook_signature(SECRET, TIMESTAMP, BODY) == VECTOR
    assert webhook_signature(SECRET, str(TIMESTAMP), BODY) == VECTOR


def test_verify_accepts_the_vector_within_the_tolerance():
    assert webhook_verify_signature(SECRET, TIMESTAMP, BODY, VECTOR, now=TIMESTAMP + 299)
    assert webhook_verify_signature(SECRET, str(TIMESTAMP), BODY, VECTOR, now=TIMESTAMP - 299)
    # A str body is taken as UTF-8; several signatures in one header (a rotation) are fine.
    assert webhook_verify_signature(SECRET, TIMESTAMP, BODY.decode(), VECTOR, now=TIMESTAMP)
    assert webhook_verify_signature(SECRET, TIMESTAMP, BODY, f"sha256={'0' * 64}, {VECTOR}", now=TIMESTAMP)


def test_verify_refuses_stale_tampered_or_malformed():
    assert not webhook_verify_signature(SECRET, TIMESTAMP, BODY, VECTOR, now=TIMESTAMP + 301)
    assert not webhook_verify_signature(SECRET, TIMESTAMP, BODY, VECTOR, now=TIMESTAMP + 10_000, tolerance=300)
    assert webhook_verify_signature(SECRET, TIMESTAMP, BODY, VECTOR, now=TIMESTAMP + 10_000, tolerance=0)
    assert not webhook_verify_signature(SECRET, TIMESTAMP, BODY + b" ", VECTOR, now=TIMESTAMP)
    assert not webhook_verify_signature(SECRET, TIMESTAMP + 1, BODY, VECTOR, now=TIMESTAMP)
    assert not webhook_verify_signature("whsec_other", TIMESTAMP, BODY, VECTOR, now=TIMESTAMP)
    assert not webhook_verify_signature(SECRET, TIMESTAMP, BODY, VECTOR.removeprefix("sha256="), now=TIMESTAMP)
    assert not webhook_verify_signature(SECRET, "soon", BODY, VECTOR, now=TIMESTAMP)
    assert not webhook_verify_signature(SECRET, TIMESTAMP, BODY, "", now=TIMESTAMP)

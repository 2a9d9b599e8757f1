import httpx
import pytest

from integrations.sandbox.core import Faults, SandboxApp, SandboxTransport, json_response


class EchoSandbox(SandboxApp):
    name = "echo"

    def routes(self):
        self.router.add("GET", "/items/{item_id}", self.item)

    def authenticate(self, request):
        if request.header("x-key") != "good":
            return self.error(401, "AUTH", "bad key")
        return None

    def item(self, request, item_id):
        return json_response(200, {"id": item_id, "q": request.arg("q")})

    def create_orders(self, count):
        return [str(i) for i in range(count)]


def client(app):
    return httpx.Client(base_url="http://sandbox", transport=SandboxTransport(app))


def test_routes_auth_and_control():
    app = EchoSandbox()
    with client(app) as c:
        assert c.get("/items/7", params={"q": "한글"}, headers={"x-key": "good"}).json() == {"id": "7", "q": "한글"}
        assert c.get("/items/7").status_code == 401
        assert c.post("/items/7", headers={"x-key": "good"}).status_code == 405
        assert c.get("/nope", headers={"x-key": "good"}).status_code == 404
        assert c.post("/_sandbox/orders", json={"count": 3}).json() == {"created": ["0", "1", "2"]}
        c.post("/_sandbox/faults", json={"rate_429": 1.0})
        assert app.faults.rate_429 == 1.0
        limited = c.get("/items/1", headers={"x-key": "good"})
        assert limited.status_code == 429 and limited.headers["Retry-After"] == "1"


def test_timeout_fault_raises_read_timeout_in_process():
    app = EchoSandbox(faults=Faults(timeout_rate=1.0))
    with client(app) as c, pytest.raises(httpx.ReadTimeout):
        c.get("/items/1", headers={"x-key": "good"})


def test_malformed_fault_cuts_the_body():
    app = EchoSandbox(faults=Faults(malformed_rate=1.0))
    with client(app) as c:
        response = c.get("/items/123456", headers={"x-key": "good"})
    with pytest.raises(ValueError):
        response.json()


def test_repeat_helper_is_seeded():
    faults = Faults(repeat_rate=1.0, seed=1)
    assert faults.repeat([1, 2, 3, 4, 5], [6, 7]) == [5, 6, 7]
    assert Faults(repeat_rate=0.0).repeat([1, 2], [3]) == [3]

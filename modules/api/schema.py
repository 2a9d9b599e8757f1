"""drf-spectacular glue: only /api/v1/ in the schema, and the bearer token scheme."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


def only_v1(endpoints):
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "modules.api.authentication.ApiTokenAuthentication"
    name = "ApiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "jt_<prefix>_<secret>",
            "description": "A token of an API client, created in the admin (shown once).",
        }

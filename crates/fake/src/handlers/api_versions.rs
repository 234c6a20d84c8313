//! ApiVersions: what this broker speaks (its persona's table).

use super::Ctx;
use kafka_wire::messages::{ApiVersionsRequest, ApiVersionsResponse};

pub(crate) fn api_versions(ctx: &Ctx<'_>, _request: &ApiVersionsRequest) -> ApiVersionsResponse {
    ApiVersionsResponse { api_keys: ctx.shared.persona.api_versions(), ..Default::default() }
}

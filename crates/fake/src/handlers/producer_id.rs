//! InitProducerId: ids and epochs for idempotent producers.

use super::Ctx;
use kafka_wire::messages::{InitProducerIdRequest, InitProducerIdResponse};
use kafka_wire::ErrorCode;

/// Kafka's default `transaction.max.timeout.ms` (15 minutes).
const MAX_TRANSACTION_TIMEOUT_MS: i32 = 900_000;

pub(crate) fn init_producer_id(ctx: &Ctx<'_>, request: &InitProducerIdRequest) -> InitProducerIdResponse {
    let error = |code: ErrorCode| InitProducerIdResponse {
        error_code: code.code(),
        producer_id: -1,
        producer_epoch: -1,
        ongoing_txn_producer_id: -1,
        ongoing_txn_producer_epoch: -1,
        ..Default::default()
    };
    let mut state = ctx.shared.state();
    if let Some(id) = request.transactional_id.as_deref() {
        if state.coordinator_for(id).id != ctx.node() {
            return error(ErrorCode::NotCoordinator);
        }
        if request.transaction_timeout_ms <= 0 || request.transaction_timeout_ms > MAX_TRANSACTION_TIMEOUT_MS {
            return error(ErrorCode::InvalidTransactionTimeout);
        }
    }
    let result = if ctx.version >= 3 && request.producer_id >= 0 {
        state.producers.bump(request.producer_id, request.producer_epoch)
    } else {
        Ok(state.producers.new_id())
    };
    match result {
        Ok((producer_id, producer_epoch)) => InitProducerIdResponse {
            producer_id,
            producer_epoch,
            ongoing_txn_producer_id: -1,
            ongoing_txn_producer_epoch: -1,
            ..Default::default()
        },
        Err(code) => error(code),
    }
}

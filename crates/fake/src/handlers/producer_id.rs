//! InitProducerId: ids and epochs for idempotent producers, and for
//! transactional ones from the transaction coordinator.

use super::Ctx;
use crate::txn::{self, MAX_TRANSACTION_TIMEOUT_MS};
use kafka_wire::messages::{InitProducerIdRequest, InitProducerIdResponse};
use kafka_wire::ErrorCode;

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
    let result = match request.transactional_id.as_deref() {
        // An empty transactional id is an idempotent producer's, as Kafka takes it.
        Some(id) if !id.is_empty() => {
            if state.coordinator_for(id).id != ctx.node() {
                return error(ErrorCode::NotCoordinator);
            }
            if request.transaction_timeout_ms <= 0 || request.transaction_timeout_ms > MAX_TRANSACTION_TIMEOUT_MS {
                return error(ErrorCode::InvalidTransactionTimeout);
            }
            let expected =
                (ctx.version >= 3 && request.producer_id >= 0).then_some((request.producer_id, request.producer_epoch));
            let result = txn::init(&mut state, id, request.transaction_timeout_ms, expected);
            if matches!(result, Err(ErrorCode::ConcurrentTransactions)) {
                // The open transaction was aborted: its markers are in the logs.
                ctx.shared.appended.notify_waiters();
            }
            // PRODUCER_FENCED came with v4; older clients know INVALID_PRODUCER_EPOCH.
            result.map_err(|e| {
                if e == ErrorCode::ProducerFenced && ctx.version < 4 {
                    ErrorCode::InvalidProducerEpoch
                } else {
                    e
                }
            })
        }
        _ if ctx.version >= 3 && request.producer_id >= 0 => {
            state.producers.bump(request.producer_id, request.producer_epoch)
        }
        _ => Ok(state.producers.new_id()),
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

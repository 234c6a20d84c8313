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
    // KafkaApis: a producer id without an epoch, or an epoch without an id, is malformed.
    if ctx.version >= 3 && ((request.producer_id == -1) != (request.producer_epoch == -1)) {
        return error(ErrorCode::InvalidRequest);
    }
    let mut state = ctx.shared.state();
    let result = match request.transactional_id.as_deref() {
        // An idempotent producer always gets a new id at epoch 0, whatever
        // id and epoch it sends (Kafka's TransactionCoordinator).
        None => Ok(state.producers.new_id()),
        Some("") => return error(ErrorCode::InvalidRequest),
        Some(id) => {
            if request.transaction_timeout_ms <= 0 || request.transaction_timeout_ms > MAX_TRANSACTION_TIMEOUT_MS {
                return error(ErrorCode::InvalidTransactionTimeout);
            }
            if state.coordinator_for(id).id != ctx.node() {
                return error(ErrorCode::NotCoordinator);
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

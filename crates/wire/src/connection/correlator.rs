//! Matching responses to requests by correlation id.

use super::ConnectionError;
use crate::ApiKey;
use kafka_wire_core::RequestHead;
use std::collections::{HashMap, VecDeque};

/// A request awaiting its response: what its response is decoded with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InFlight {
    /// The request's api.
    pub api_key: ApiKey,
    /// The request's version.
    pub version: i16,
}

/// The requests of one connection that await a response, by correlation
/// id, in the order they were sent. A response carries only the
/// correlation id of its request; the correlator gives back the api key
/// and version to decode it with.
///
/// Kafka's rules, which it keeps: a Produce with `acks=0` gets no response,
/// so it is not kept; a broker answers a connection's requests in the order
/// they came, so a response to any but the oldest is an error; a
/// correlation id in flight twice, or a response to none, is an error.
/// Client, broker and observer (a proxy, a capture decoder) all use it.
///
/// ```
/// use kafka_wire::connection::{ConnectionError, Correlator, InFlight};
/// use kafka_wire::messages::{MetadataRequest, ProduceRequest};
/// use kafka_wire::{ApiKey, RequestFrame};
///
/// let mut correlator = Correlator::new();
/// let metadata = RequestFrame::new(MetadataRequest::default(), 12, 1, None);
/// let fire_and_forget = RequestFrame::new(ProduceRequest { acks: 0, ..Default::default() }, 9, 2, None);
/// assert!(correlator.request(metadata.head())?);
/// assert!(!correlator.request(fire_and_forget.head())?); // nothing will answer it
/// assert_eq!(correlator.response(1)?, InFlight { api_key: ApiKey::Metadata, version: 12 });
/// assert!(matches!(correlator.response(2), Err(ConnectionError::UnknownCorrelationId(2))));
/// # Ok::<(), ConnectionError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Correlator {
    /// The correlation ids in flight, oldest first.
    order: VecDeque<i32>,
    requests: HashMap<i32, InFlight>,
}

impl Correlator {
    /// No request in flight.
    pub fn new() -> Correlator {
        Correlator::default()
    }

    /// Records a request sent (or, on a broker, read). Returns whether a
    /// response is to come: `false` for an `acks=0` Produce, which is not
    /// kept. A correlation id already in flight is an error, and the
    /// request is not recorded.
    pub fn request(&mut self, head: RequestHead) -> Result<bool, ConnectionError> {
        if !head.expects_response {
            return Ok(false);
        }
        if self.requests.contains_key(&head.correlation_id) {
            return Err(ConnectionError::DuplicateCorrelationId(head.correlation_id));
        }
        self.requests.insert(head.correlation_id, InFlight { api_key: head.api_key, version: head.version });
        self.order.push_back(head.correlation_id);
        Ok(true)
    }

    /// The request that the response with `correlation_id` answers, which
    /// is then no longer in flight. A response to any but the oldest
    /// request in flight is [`ConnectionError::OutOfOrder`], which carries
    /// the request it answers for a caller that reports and goes on.
    pub fn response(&mut self, correlation_id: i32) -> Result<InFlight, ConnectionError> {
        let request =
            self.requests.remove(&correlation_id).ok_or(ConnectionError::UnknownCorrelationId(correlation_id))?;
        let oldest = self.order.front().copied();
        if oldest == Some(correlation_id) {
            self.order.pop_front();
            return Ok(request);
        }
        self.order.retain(|&id| id != correlation_id);
        Err(ConnectionError::OutOfOrder {
            expected: oldest.unwrap_or(correlation_id),
            received: correlation_id,
            request,
        })
    }

    /// Forgets a request recorded by [`Correlator::request`] (one that
    /// could not be sent after all).
    pub fn forget(&mut self, correlation_id: i32) {
        if self.requests.remove(&correlation_id).is_some() {
            self.order.retain(|&id| id != correlation_id);
        }
    }

    /// How many requests await their response.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether no request awaits a response.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The requests in flight, oldest first, with their correlation ids.
    pub fn in_flight(&self) -> impl Iterator<Item = (i32, InFlight)> + '_ {
        self.order.iter().map(|id| (*id, self.requests[id]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(api_key: ApiKey, version: i16, correlation_id: i32) -> RequestHead {
        RequestHead { api_key, version, correlation_id, expects_response: true }
    }

    #[test]
    fn responses_come_in_order() {
        let mut c = Correlator::new();
        for id in 1..=3 {
            assert!(c.request(head(ApiKey::Fetch, 17, id)).unwrap());
        }
        assert_eq!(c.in_flight().map(|(id, _)| id).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(c.response(1).unwrap().version, 17);
        let err = c.response(3).unwrap_err();
        assert!(
            matches!(err, ConnectionError::OutOfOrder { expected: 2, received: 3, request } if request.api_key == ApiKey::Fetch),
            "{err:?}"
        );
        // The out-of-order one is answered all the same: only 2 is left.
        assert_eq!(c.in_flight().map(|(id, _)| id).collect::<Vec<_>>(), [2]);
        assert_eq!(c.response(2).unwrap().api_key, ApiKey::Fetch);
        assert!(c.is_empty());
    }

    #[test]
    fn duplicates_and_strangers_are_errors() {
        let mut c = Correlator::new();
        c.request(head(ApiKey::Metadata, 12, 7)).unwrap();
        assert!(matches!(c.request(head(ApiKey::Metadata, 12, 7)), Err(ConnectionError::DuplicateCorrelationId(7))));
        assert_eq!(c.len(), 1, "the duplicate is not recorded");
        assert!(matches!(c.response(8), Err(ConnectionError::UnknownCorrelationId(8))));
        c.forget(7);
        assert!(c.is_empty());
        assert!(matches!(c.response(7), Err(ConnectionError::UnknownCorrelationId(7))));
    }

    #[test]
    fn a_request_without_a_response_is_not_kept() {
        let mut c = Correlator::new();
        let acks_0 = RequestHead { expects_response: false, ..head(ApiKey::Produce, 9, 1) };
        assert!(!c.request(acks_0).unwrap());
        assert!(!c.request(acks_0).unwrap(), "nor checked for duplicates: nothing will answer it");
        assert!(c.is_empty());
    }
}

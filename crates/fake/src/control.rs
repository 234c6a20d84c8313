//! Hooks a test puts on an api key: observe its requests, answer them
//! with an error or a given response, delay them, or drop the connection;
//! once, a number of times, or every time, in the order they were added.

use kafka_wire::{ApiKey, ErrorCode, RequestFrame, Response};
use std::sync::Arc;
use std::time::Duration;

/// What a hook does with a request it matches.
#[derive(Clone)]
pub enum Action {
    /// Answer with this error in every error code of the response the
    /// broker would have sent (the request is not applied).
    Error(ErrorCode),
    /// Answer with this response instead (the request is not applied).
    Respond(Box<Response>),
    /// Answer with what the function returns for the request.
    RespondWith(Arc<dyn Fn(&RequestFrame) -> Response + Send + Sync>),
    /// Wait this long, then handle the request as usual.
    Delay(Duration),
    /// Close the connection without answering (the request is not applied).
    CloseConnection,
    /// Apply the request, then close the connection without answering:
    /// the client cannot tell whether it took effect.
    ApplyThenClose,
    /// Call the function, then handle the request as usual.
    Observe(Arc<dyn Fn(&RequestFrame) + Send + Sync>),
}

impl std::fmt::Debug for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Action::Error(code) => write!(f, "Error({code:?})"),
            Action::Respond(response) => write!(f, "Respond({:?})", response.api_key()),
            Action::RespondWith(_) => f.write_str("RespondWith(..)"),
            Action::Delay(d) => write!(f, "Delay({d:?})"),
            Action::CloseConnection => f.write_str("CloseConnection"),
            Action::ApplyThenClose => f.write_str("ApplyThenClose"),
            Action::Observe(_) => f.write_str("Observe(..)"),
        }
    }
}

/// How many times a hook fires before it is removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Times {
    /// This many more times.
    Count(u32),
    /// Every matching request, until [`crate::FakeCluster::clear_hooks`].
    Always,
}

/// A hook on one api key, as [`crate::FakeCluster::hook`] adds it.
///
/// ```
/// use kafka_wire::{ApiKey, ErrorCode};
/// use kafka_wire_fake::Hook;
///
/// // The next two Produce requests sent to broker 1 fail as if it had lost leadership.
/// let hook = Hook::on(ApiKey::Produce).on_node(1).times(2).error(ErrorCode::NotLeaderOrFollower);
/// # let _ = hook;
/// ```
#[derive(Debug, Clone)]
pub struct Hook {
    pub(crate) api: ApiKey,
    pub(crate) node: Option<i32>,
    pub(crate) times: Times,
    pub(crate) action: Option<Action>,
}

impl Hook {
    /// A hook on requests of `api`, once, on any broker (set its action
    /// with [`Hook::error`], [`Hook::respond`], ...).
    pub fn on(api: ApiKey) -> Hook {
        Hook { api, node: None, times: Times::Count(1), action: None }
    }

    /// Only requests sent to this broker.
    pub fn on_node(mut self, node: i32) -> Hook {
        self.node = Some(node);
        self
    }

    /// Fires `n` times (once by default).
    pub fn times(mut self, n: u32) -> Hook {
        self.times = Times::Count(n);
        self
    }

    /// Fires on every matching request.
    pub fn always(mut self) -> Hook {
        self.times = Times::Always;
        self
    }

    /// Answers with `code` in every error code of the response.
    pub fn error(self, code: ErrorCode) -> Hook {
        self.action(Action::Error(code))
    }

    /// Answers with `response`.
    pub fn respond(self, response: impl Into<Response>) -> Hook {
        self.action(Action::Respond(Box::new(response.into())))
    }

    /// Answers with what `f` returns for the request.
    pub fn respond_with(self, f: impl Fn(&RequestFrame) -> Response + Send + Sync + 'static) -> Hook {
        self.action(Action::RespondWith(Arc::new(f)))
    }

    /// Delays the request by `delay`, then handles it.
    pub fn delay(self, delay: Duration) -> Hook {
        self.action(Action::Delay(delay))
    }

    /// Closes the connection instead of answering.
    pub fn close_connection(self) -> Hook {
        self.action(Action::CloseConnection)
    }

    /// Applies the request, then closes the connection instead of answering.
    pub fn apply_then_close(self) -> Hook {
        self.action(Action::ApplyThenClose)
    }

    /// Calls `f` with every matching request, then handles it.
    pub fn observe(self, f: impl Fn(&RequestFrame) + Send + Sync + 'static) -> Hook {
        self.action(Action::Observe(Arc::new(f)))
    }

    /// Sets the action.
    pub fn action(mut self, action: Action) -> Hook {
        self.action = Some(action);
        self
    }
}

/// The hooks in place, in the order they were added.
#[derive(Debug, Default)]
pub(crate) struct Hooks {
    hooks: Vec<Hook>,
}

impl Hooks {
    /// Keeps a hook; one without an action, or that may fire zero
    /// times, would never do anything and is not kept.
    pub(crate) fn add(&mut self, hook: Hook) {
        if hook.action.is_some() && hook.times != Times::Count(0) {
            self.hooks.push(hook);
        }
    }

    pub(crate) fn clear(&mut self) {
        self.hooks.clear();
    }

    /// The actions for a request: every matching observer, in the order
    /// they were added, then the first matching other hook (the one that
    /// decides what happens to the request); spent hooks are removed.
    pub(crate) fn take(&mut self, api: ApiKey, node: i32) -> Vec<Action> {
        let matching = |h: &Hook| h.api == api && h.node.is_none_or(|n| n == node);
        let mut observers = Vec::new();
        let mut decider = None;
        for hook in self.hooks.iter_mut().filter(|h| matching(h)) {
            let Some(action) = hook.action.clone() else { continue };
            let observer = matches!(action, Action::Observe(_));
            if observer {
                observers.push(action);
            } else if decider.is_none() {
                decider = Some(action);
            } else {
                continue;
            }
            if let Times::Count(n) = &mut hook.times {
                *n = n.saturating_sub(1);
            }
        }
        self.hooks.retain(|h| h.times != Times::Count(0));
        observers.extend(decider);
        observers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hooks_fire_in_order_and_are_spent() {
        let mut hooks = Hooks::default();
        hooks.add(Hook::on(ApiKey::Produce).error(ErrorCode::NotLeaderOrFollower));
        hooks.add(Hook::on(ApiKey::Produce).times(2).close_connection());
        hooks.add(Hook::on(ApiKey::Produce).always().observe(|_| {}));
        hooks.add(Hook::on(ApiKey::Produce).times(0).close_connection());
        hooks.add(Hook::on(ApiKey::Produce));
        let kinds = |actions: Vec<Action>| actions.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>();
        assert_eq!(kinds(hooks.take(ApiKey::Produce, 0)), ["Observe(..)", "Error(NotLeaderOrFollower)"]);
        assert_eq!(kinds(hooks.take(ApiKey::Produce, 0)), ["Observe(..)", "CloseConnection"]);
        assert_eq!(kinds(hooks.take(ApiKey::Fetch, 0)), Vec::<String>::new());
        assert_eq!(kinds(hooks.take(ApiKey::Produce, 0)), ["Observe(..)", "CloseConnection"]);
        assert_eq!(kinds(hooks.take(ApiKey::Produce, 0)), ["Observe(..)"]);
    }

    #[test]
    fn a_hook_on_a_node_ignores_the_others() {
        let mut hooks = Hooks::default();
        hooks.add(Hook::on(ApiKey::Fetch).on_node(2).close_connection());
        assert!(hooks.take(ApiKey::Fetch, 1).is_empty());
        assert_eq!(hooks.take(ApiKey::Fetch, 2).len(), 1);
    }
}

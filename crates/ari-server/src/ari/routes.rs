//! Routing built from the API description: path patterns to operations.

use ari_spec::Operation;
use axum::http::Method;
use percent_encoding::percent_decode_str;

/// The outcome of routing a request.
pub enum Lookup {
    /// The resource name, the operation, and the decoded path parameters.
    Found(&'static str, &'static Operation, Vec<(String, String)>),
    /// The path exists, but not for this method; the methods it has.
    WrongMethod(Vec<&'static str>),
    /// No such path.
    NotFound,
}

type Entry = (ari_spec::Method, &'static str, &'static Operation);

/// Every operation of `ari_spec`, indexed by path pattern.
pub struct Routes {
    by_path: matchit::Router<Vec<Entry>>,
}

fn spec_method(m: &Method) -> Option<ari_spec::Method> {
    Some(match *m {
        Method::GET | Method::HEAD => ari_spec::Method::Get,
        Method::POST => ari_spec::Method::Post,
        Method::PUT => ari_spec::Method::Put,
        Method::DELETE => ari_spec::Method::Delete,
        _ => return None,
    })
}

impl Default for Routes {
    fn default() -> Self {
        Self::new()
    }
}

impl Routes {
    /// Builds the table from `ari_spec::RESOURCES`.
    pub fn new() -> Self {
        let mut grouped: Vec<(&'static str, Vec<Entry>)> = Vec::new();
        for (resource, op) in ari_spec::operations() {
            let entry = (op.method, resource.name, op);
            match grouped.iter_mut().find(|(p, _)| *p == op.path) {
                Some((_, v)) => v.push(entry),
                None => grouped.push((op.path, vec![entry])),
            }
        }
        let mut by_path = matchit::Router::new();
        for (path, entries) in grouped {
            // The description is static and checked by ari-spec's tests; a
            // conflicting pattern is a programming error found at start-up.
            if let Err(e) = by_path.insert(path, entries) {
                panic!("route {path} conflicts: {e}");
            }
        }
        Routes { by_path }
    }

    /// Finds the operation for `method` on `path` (below `/ari`).
    pub fn lookup(&self, method: &Method, path: &str) -> Lookup {
        let path = if path.len() > 1 {
            path.trim_end_matches('/')
        } else {
            path
        };
        let Ok(m) = self.by_path.at(path) else {
            return Lookup::NotFound;
        };
        let wanted = spec_method(method);
        match m
            .value
            .iter()
            .find(|(method, _, _)| Some(*method) == wanted)
        {
            Some(&(_, resource, op)) => {
                let params = m
                    .params
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.to_string(),
                            percent_decode_str(v).decode_utf8_lossy().into_owned(),
                        )
                    })
                    .collect();
                Lookup::Found(resource, op, params)
            }
            None => Lookup::WrongMethod(m.value.iter().map(|(m, _, _)| m.as_str()).collect()),
        }
    }
}

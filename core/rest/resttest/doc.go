// Package resttest holds test support for the REST API: it reads the curl examples of the
// REST documentation so that tests can run each one against a handler or a running worker.
package resttest

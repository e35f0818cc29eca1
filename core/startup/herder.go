package startup

import "github.com/connectless/connectless/core/internal/herder"

// Herder is the engine's herder (core/internal/herder): it creates, configures, pauses,
// restarts and deletes connectors in the store and answers the REST API's queries. Open
// builds the one a worker or function runs; NewHerder builds one on a store of the caller's.
type Herder = herder.Herder

// HerderConfig is what NewHerder needs: the store, the connector plugins, the worker id and
// the logger, plus the validation and live checks Open wires from the worker properties.
type HerderConfig = herder.Config

// RawConfig is a connector configuration as a REST request carries it: a nil value is JSON
// null, which Kafka Connect refuses.
type RawConfig = herder.RawConfig

// NewHerder returns a herder over cfg.Store, for programs and tests that open their own
// store rather than go through Open.
func NewHerder(cfg HerderConfig) (*Herder, error) { return herder.New(cfg) }

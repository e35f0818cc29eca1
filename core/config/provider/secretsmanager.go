package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// SecretsManagerAPI is the part of the Secrets Manager client the provider uses.
type SecretsManagerAPI interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// SecretsManager reads AWS Secrets Manager secrets: ${secretsmanager:secret-id:key} selects
// one field of a secret whose SecretString is a JSON object; ${secretsmanager:secret-id}
// (no path) is the whole SecretString.
type SecretsManager struct {
	Client SecretsManagerAPI
}

// ErrSecretNotJSON is returned when a key is asked of a secret that is not a JSON object.
var ErrSecretNotJSON = errors.New("secret string is not a JSON object")

// Get fetches the secret once and returns the requested keys.
func (p SecretsManager) Get(ctx context.Context, path string, keys []string) (map[string]string, error) {
	if p.Client == nil {
		return nil, errors.New("secrets manager provider has no client")
	}
	out := make(map[string]string, len(keys))
	if path == "" {
		// ${secretsmanager:secret-id}: each key is a secret id.
		for _, id := range keys {
			s, err := p.secretString(ctx, id)
			if err != nil {
				return nil, err
			}
			out[id] = s
		}
		return out, nil
	}
	s, err := p.secretString(ctx, path)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &fields); err != nil {
		return nil, fmt.Errorf("secret %q: %w", path, ErrSecretNotJSON)
	}
	for _, k := range keys {
		raw, ok := fields[k]
		if !ok {
			continue
		}
		var str string
		if json.Unmarshal(raw, &str) == nil {
			out[k] = str
			continue
		}
		var num json.Number
		if json.Unmarshal(raw, &num) == nil {
			out[k] = num.String()
			continue
		}
		var b bool
		if json.Unmarshal(raw, &b) == nil {
			out[k] = strconv.FormatBool(b)
			continue
		}
		out[k] = string(raw)
	}
	return out, nil
}

func (p SecretsManager) secretString(ctx context.Context, id string) (string, error) {
	res, err := p.Client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(id)})
	if err != nil {
		return "", fmt.Errorf("get secret %q: %w", id, err)
	}
	if res.SecretString != nil {
		return *res.SecretString, nil
	}
	return string(res.SecretBinary), nil
}

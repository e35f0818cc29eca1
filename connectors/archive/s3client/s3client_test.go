package s3client

import (
	"context"
	"path/filepath"
	"testing"
)

func TestOpenRegion(t *testing.T) {
	ctx := context.Background()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	tests := []struct {
		name, env, region string
		want, from        string
	}{
		{"s3.region wins over AWS_REGION", "eu-north-1", "ap-south-1", "ap-south-1", RegionFromKey},
		{"AWS_REGION before Confluent's default", "eu-north-1", "", "eu-north-1", RegionFromSDK},
		// Confluent's S3 sink documents s3.region's default as us-west-2.
		{"nothing set: Confluent's default", "", "", "us-west-2", RegionFromDefault},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("AWS_REGION", tt.env)
			s, err := Open(ctx, Options{Region: tt.region, StoreURL: "http://127.0.0.1:1"})
			if err != nil {
				t.Fatal(err)
			}
			if s.Region != tt.want || s.RegionFrom != tt.from || s.Client.Options().Region != tt.want {
				t.Errorf("region %s from %s (client %s), want %s from %s", s.Region, s.RegionFrom, s.Client.Options().Region, tt.want, tt.from)
			}
		})
	}
}

func TestValidStoreURL(t *testing.T) {
	v := ValidStoreURL()
	for _, tt := range []struct {
		url string
		ok  bool
	}{
		{"", true},
		{"http://127.0.0.1:7070", true},
		{"https://minio.example.com", true},
		{"minio.local:9000", false},
		{"127.0.0.1:7070", false},
		{"ftp://host", false},
	} {
		err := v.Validate("store.url", tt.url)
		if (err == nil) != tt.ok {
			t.Errorf("%q: %v, want ok=%v", tt.url, err, tt.ok)
		}
	}
}

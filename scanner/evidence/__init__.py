"""Tamper-evident evidence bundles: keys, manifest, signature, verification, encryption."""

/**
 * A self-signed certificate for localhost and 127.0.0.1 (valid for 100 years), for tests that need
 * a real https host on loopback. Made with: openssl req -x509 -newkey ec -pkeyopt
 * ec_paramgen_curve:P-256 -nodes -days 36500 -subj /CN=localhost -addext
 * subjectAltName=DNS:localhost,IP:127.0.0.1. It protects nothing: the key is public on purpose.
 */
export const TEST_TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg9SkIGcRopptAKbWx
DxP/fP4OI140irtYfA67syMqme6hRANCAAT1WSfdDl0QXVlHajeJCesuOIBFj7i9
3zIZNvWqCIGjqq46TcqPFx+b310OlSTj+BByeicQM3bHNQEWgjS4lWUz
-----END PRIVATE KEY-----
`;

export const TEST_TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBmjCCAUGgAwIBAgIUGXfBEX88lMBPOlWuA9MWNo3yZIMwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwMTIyMjUxN1oYDzIxMjYxMTA3
MjIyNTE3WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAT1WSfdDl0QXVlHajeJCesuOIBFj7i93zIZNvWqCIGjqq46TcqPFx+b
310OlSTj+BByeicQM3bHNQEWgjS4lWUzo28wbTAdBgNVHQ4EFgQUxEvsjlV7J3Pm
iBe0h4HRnJYaIVYwHwYDVR0jBBgwFoAUxEvsjlV7J3PmiBe0h4HRnJYaIVYwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDRwAwRAIgQ+CzyG0gk7mb7BcYLtOgsbPkNWwwak8LGSdFx+z8cpICICxM
zgXxOBwwimbBm+wHRUIheXClKJ2UyjwdVqF/HlYr
-----END CERTIFICATE-----
`;

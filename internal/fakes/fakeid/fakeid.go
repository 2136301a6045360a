// Package fakeid makes the random identifiers the fakes hand out (template, domain and key
// IDs), in the alphabet Clerk's own IDs use after their prefix.
package fakeid

import "crypto/rand"

const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// New returns n random characters from [0-9A-Za-z].
func New(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// Package delay holds back a fake server's response, as the Clerk API and issuer fakes do to
// simulate latency, without outliving the request or the server.
package delay

import (
	"net/http"
	"time"
)

// Wait sleeps for d before r is answered. It returns false, early, when r's client goes away
// or done (the server's "closed" channel) is closed; d <= 0 returns true at once.
func Wait(r *http.Request, done <-chan struct{}, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-done:
		return false
	}
}

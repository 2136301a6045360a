package clerkapi_test

import (
	"fmt"
	"io"
	"net/http"

	"github.com/clerkconvex/clerkconvex/internal/fakes/clerkapi"
)

func Example() {
	const key = "sk_test_exampleexampleexample1234"
	s := clerkapi.New(clerkapi.Options{Instances: []clerkapi.Instance{
		{SecretKey: key, FrontendAPIURL: "https://happy-hippo-1.clerk.accounts.dev"},
	}})
	defer s.Close()
	if _, err := s.AddTemplate(key, clerkapi.Template{Name: "convex", Claims: []byte(`{"aud":"convex"}`)}); err != nil {
		panic(err)
	}
	s.InjectFault(clerkapi.Fault{Method: "GET", PathPrefix: "/v1/jwt_templates", Status: 429,
		Header: map[string]string{"Retry-After": "1"}, Times: 1})

	base := s.URL + "/v1" // what the Clerk client is given
	for range 2 {
		req, _ := http.NewRequest("GET", base+"/jwt_templates?paginated=true", nil)
		req.Header.Set("Authorization", "Bearer "+key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		fmt.Printf("%d Retry-After=%q\n", res.StatusCode, res.Header.Get("Retry-After"))
	}
	r := s.Requests()[0]
	fmt.Println(len(s.Requests()), r.Auth, s.MutatingRequests(), s.Templates(key)[0].Name)
	// Output:
	// 429 Retry-After="1"
	// 200 Retry-After=""
	// 2 Bearer sk_test_…1234 0 convex
}

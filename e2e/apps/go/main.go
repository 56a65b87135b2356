// Bookstore: the Go + gin app of the Logto tutorial ("Intégrer Logto SDK"), with what a real app adds:
// configuration from the environment, a /register route, a /profile page (ID token claims and
// userinfo), and /sign-in?direct_sign_in=<method>:<target> passed to the SDK's DirectSignIn option.
//
//	LOGTO_ENDPOINT    the Logto endpoint, e.g. http://localhost:3001
//	LOGTO_APP_ID      the application's id
//	LOGTO_APP_SECRET  the application's secret
//	BASE_URL          where this app is reached (default http://localhost:3000): redirect URI BASE_URL/callback,
//	                  post sign-out redirect URI BASE_URL
//	PORT              the port to listen on (default 3000)
//	HOST              the address to listen on (default: every interface, as the tutorial's ":3000")
//
// Once it accepts connections it prints one line: "bookstore listening on <BASE_URL>".
package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/memstore"
	"github.com/gin-gonic/gin"
	"github.com/logto-io/go/v2/client"
	"github.com/logto-io/go/v2/core"
)

type settings struct {
	endpoint  string
	appID     string
	appSecret string
	baseURL   string
	host      string
	port      string
}

func env(name, fallback string) string {
	if value := os.Getenv(name); value != "" {
		return value
	}
	return fallback
}

func settingsFromEnv() (settings, error) {
	s := settings{
		endpoint:  os.Getenv("LOGTO_ENDPOINT"),
		appID:     os.Getenv("LOGTO_APP_ID"),
		appSecret: os.Getenv("LOGTO_APP_SECRET"),
		baseURL:   strings.TrimRight(env("BASE_URL", "http://localhost:3000"), "/"),
		host:      os.Getenv("HOST"),
		port:      env("PORT", "3000"),
	}
	var missing []string
	for name, value := range map[string]string{"LOGTO_ENDPOINT": s.endpoint, "LOGTO_APP_ID": s.appID} {
		if value == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return s, fmt.Errorf("set %s", strings.Join(missing, " and "))
	}
	return s, nil
}

// logtoConfig is built per client: NewLogtoClient normalizes (mutates) the config it is given.
func (s settings) logtoConfig() *client.LogtoConfig {
	return &client.LogtoConfig{
		Endpoint:  s.endpoint,
		AppId:     s.appID,
		AppSecret: s.appSecret,
		Scopes:    []string{"email"},
	}
}

func (s settings) newClient(ctx *gin.Context) *client.LogtoClient {
	session := sessions.Default(ctx)
	return client.NewLogtoClient(s.logtoConfig(), &SessionStorage{session: session})
}

var page = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{.Title}} · Bookstore</title></head>
<body>
<h1>{{.Title}}</h1>
{{if .SignedIn}}<div id="auth-state">You are signed in.</div>
{{if .Email}}<div id="user">Signed in as <span id="email">{{.Email}}</span></div>
{{end}}{{else}}<div id="auth-state">You are not signed in.</div>
{{end}}{{if .Error}}<div id="error">{{.Error}}</div>
{{end}}{{range .Tables}}<h2>{{.Title}}</h2>
{{if .Note}}<p id="{{.ID}}-note">{{.Note}}</p>
{{end}}{{if .Error}}<p id="{{.ID}}-error">{{.Error}}</p>
{{else}}<table id="{{.ID}}">
{{range .Rows}}<tr><th>{{.Name}}</th><td>{{.Value}}</td></tr>
{{end}}</table>
{{end}}{{end}}<nav>
{{if .Home}}<div><a href="/">Home</a></div>
{{end}}{{if .SignedIn}}<div><a href="/profile">Profile</a></div>
<div><a href="/sign-out">Sign out</a></div>
{{else}}<div><a href="/sign-in">Sign in</a></div>
<div><a href="/register">Register</a></div>
{{end}}</nav>
</body>
</html>
`))

type row struct{ Name, Value string }

type table struct {
	ID, Title, Note, Error string
	Rows                   []row
}

type view struct {
	Title    string
	SignedIn bool
	Email    string
	Error    string
	Home     bool
	Tables   []table
}

func render(ctx *gin.Context, status int, v view) {
	var out strings.Builder
	if err := page.Execute(&out, v); err != nil {
		ctx.String(http.StatusInternalServerError, err.Error())
		return
	}
	ctx.Data(status, "text/html; charset=utf-8", []byte(out.String()))
}

// rows lists a claims object's members, sorted, leaving out the empty ones (null, "", [], {}).
func rows(value any) []row {
	raw, err := json.Marshal(value)
	if err != nil {
		return []row{{"error", err.Error()}}
	}
	var members map[string]any
	if err := json.Unmarshal(raw, &members); err != nil {
		return []row{{"error", err.Error()}}
	}
	var result []row
	for name, member := range members {
		switch typed := member.(type) {
		case nil:
			continue
		case string:
			if typed != "" {
				result = append(result, row{name, typed})
			}
			continue
		case []any:
			if len(typed) == 0 {
				continue
			}
		case map[string]any:
			if len(typed) == 0 {
				continue
			}
		}
		encoded, _ := json.Marshal(member)
		result = append(result, row{name, string(encoded)})
	}
	sort.Slice(result, func(i, j int) bool { return result[i].Name < result[j].Name })
	return result
}

func main() {
	s, err := settingsFromEnv()
	if err != nil {
		log.Fatalf("bookstore: %v", err)
	}

	router := gin.Default()

	// Memory-based sessions, as the tutorial advises (the SDK's tokens may exceed a cookie's size).
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		log.Fatalf("bookstore: %v", err)
	}
	store := memstore.NewStore(secret)
	store.Options(sessions.Options{Path: "/", MaxAge: 7 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	router.Use(sessions.Sessions("logto-session", store))

	router.GET("/", func(ctx *gin.Context) {
		logtoClient := s.newClient(ctx)
		v := view{Title: "Hello Logto", SignedIn: logtoClient.IsAuthenticated()}
		if v.SignedIn {
			if claims, err := logtoClient.GetIdTokenClaims(); err == nil {
				v.Email = claims.Email
			}
		}
		render(ctx, http.StatusOK, v)
	})

	signIn := func(firstScreen string) gin.HandlerFunc {
		return func(ctx *gin.Context) {
			logtoClient := s.newClient(ctx)
			// The sign-in request is handled by Logto; the user comes back to the redirect URI.
			options := &client.SignInOptions{RedirectUri: s.baseURL + "/callback", FirstScreen: firstScreen}
			// ?direct_sign_in=social:google: the SDK's DirectSignIn option (Logto skips its sign-in page).
			if method, target, ok := strings.Cut(ctx.Query("direct_sign_in"), ":"); ok {
				options.DirectSignIn = &core.DirectSignInOptions{Method: method, Target: target}
			}
			signInURI, err := logtoClient.SignIn(options)
			if err != nil {
				ctx.String(http.StatusInternalServerError, err.Error())
				return
			}
			ctx.Redirect(http.StatusTemporaryRedirect, signInURI)
		}
	}
	router.GET("/sign-in", signIn(""))
	router.GET("/register", signIn("register"))

	router.GET("/callback", func(ctx *gin.Context) {
		logtoClient := s.newClient(ctx)
		if err := logtoClient.HandleSignInCallback(ctx.Request); err != nil {
			ctx.String(http.StatusInternalServerError, err.Error())
			return
		}
		ctx.Redirect(http.StatusTemporaryRedirect, "/")
	})

	router.GET("/profile", func(ctx *gin.Context) {
		logtoClient := s.newClient(ctx)
		if !logtoClient.IsAuthenticated() {
			render(ctx, http.StatusUnauthorized, view{Title: "Profile", Home: true})
			return
		}
		v := view{Title: "Profile", SignedIn: true, Home: true}
		claims, err := logtoClient.GetIdTokenClaims()
		idToken := table{ID: "id-token-claims", Title: "ID token claims"}
		if err != nil {
			idToken.Error = err.Error()
		} else {
			v.Email = claims.Email
			idToken.Rows = rows(claims)
		}
		userInfo := table{ID: "userinfo", Title: "User info"}
		info, err := logtoClient.FetchUserInfo()
		if err != nil && logtoClient.GetRefreshToken() != "" {
			// The cached access token was rejected (revoked, or expired by the server's clock before
			// ours): drop it, so that the SDK runs the refresh grant, and try once more.
			(&SessionStorage{session: sessions.Default(ctx)}).SetItem(client.StorageKeyAccessTokenMap, "")
			info, err = s.newClient(ctx).FetchUserInfo()
			if err == nil {
				userInfo.Note = "The access token was rejected: refreshed it and retried."
			}
		}
		if err != nil {
			userInfo.Error = err.Error()
		} else {
			userInfo.Rows = rows(info)
		}
		v.Tables = []table{idToken, userInfo}
		render(ctx, http.StatusOK, v)
	})

	router.GET("/sign-out", func(ctx *gin.Context) {
		logtoClient := s.newClient(ctx)
		// Logto ends its session, then sends the user back to the post sign-out redirect URI.
		signOutURI, err := logtoClient.SignOut(s.baseURL)
		if err != nil {
			ctx.String(http.StatusOK, err.Error())
			return
		}
		ctx.Redirect(http.StatusTemporaryRedirect, signOutURI)
	})

	// SIGINT / SIGTERM shut the server down gracefully; caught from before the "listening" line on.
	stop, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	listener, err := net.Listen("tcp", net.JoinHostPort(s.host, s.port))
	if err != nil {
		log.Fatalf("bookstore: %v", err)
	}
	fmt.Printf("bookstore listening on %s (%s)\n", s.baseURL, listener.Addr())

	server := &http.Server{Handler: router, ReadHeaderTimeout: 10 * time.Second}
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		<-stop.Done()
		shutdown, done := context.WithTimeout(context.Background(), 5*time.Second)
		defer done()
		_ = server.Shutdown(shutdown)
	}()
	if err := server.Serve(listener); !errors.Is(err, http.ErrServerClosed) {
		log.Fatalf("bookstore: %v", err)
	}
	<-closed
}

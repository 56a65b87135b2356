package main

import (
	"github.com/gin-contrib/sessions"
)

// SessionStorage is the tutorial's adapter: the Logto SDK keeps its state (sign-in session, tokens) in
// the user's server-side session.
type SessionStorage struct {
	session sessions.Session
}

func (storage *SessionStorage) GetItem(key string) string {
	value := storage.session.Get(key)
	if value == nil {
		return ""
	}
	return value.(string)
}

func (storage *SessionStorage) SetItem(key, value string) {
	storage.session.Set(key, value)
	storage.session.Save()
}

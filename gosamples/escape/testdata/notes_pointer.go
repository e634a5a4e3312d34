package notes

import "encoding/json"

type user struct{ Name string }

func decode(data []byte) (*user, error) {
	var u &user
	err := json.Unmarshal(data, &u)
	return u, err
}

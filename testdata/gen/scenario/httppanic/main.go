// httppanic is an order-lookup HTTP service whose handler dereferences a nil customer for orders
// placed by guests. net/http recovers each panic and logs "http: panic serving ADDR: ..." with the
// stack, so the service keeps running and the log fills with the same crash. The program serves
// on 127.0.0.1:0, sends itself -requests requests (every third one a guest order) and exits. The
// planted dereference is marked godx:scenario-site.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"
)

type customer struct {
	Name  string
	Email string
}

type order struct {
	ID       int
	Items    int
	Customer *customer
}

type store struct{ orders map[int]*order }

func newStore(n int) *store {
	s := &store{orders: map[int]*order{}}
	for i := 0; i < n; i++ {
		o := &order{ID: i, Items: 1 + i%4}
		if i%3 != 0 { // every third order was placed by a guest: no customer record
			o.Customer = &customer{Name: fmt.Sprintf("customer %d", i), Email: fmt.Sprintf("c%d@example.com", i)}
		}
		s.orders[i] = o
	}
	return s
}

type orderView struct {
	ID    int    `json:"id"`
	Items int    `json:"items"`
	Email string `json:"email"`
}

func (s *store) handleOrder(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.URL.Query().Get("id"))
	if err != nil {
		http.Error(w, "bad id", http.StatusBadRequest)
		return
	}
	o, ok := s.orders[id]
	if !ok {
		http.NotFound(w, r)
		return
	}
	v := orderView{ID: o.ID, Items: o.Items}
	v.Email = o.Customer.Email // godx:scenario-site
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func main() {
	requests := flag.Int("requests", 18, "requests the program sends itself")
	flag.Parse()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	s := newStore(100)
	mux := http.NewServeMux()
	mux.HandleFunc("/order", s.handleOrder)
	srv := &http.Server{Handler: mux, ErrorLog: log.New(os.Stderr, "", log.LstdFlags)}
	go srv.Serve(ln)
	log.Printf("listening on %s", ln.Addr())

	client := &http.Client{Timeout: 2 * time.Second}
	var ok, failed int
	for i := 1; i <= *requests; i++ {
		resp, err := client.Get(fmt.Sprintf("http://%s/order?id=%d", ln.Addr(), i))
		if err != nil {
			failed++
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		ok++
		time.Sleep(20 * time.Millisecond)
	}
	log.Printf("served %d requests, %d failed", ok, failed)
}

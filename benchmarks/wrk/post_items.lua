-- wrk script for POST /items: a fixed, valid JSON body (201 expected).
-- Only static request fields are set (no request()/response() callbacks), so
-- wrk pre-builds the request once and the client stays as cheap as for GETs.
wrk.method = "POST"
wrk.body = '{"name":"widget","price":9.99,"tags":["a","b"]}'
wrk.headers["Content-Type"] = "application/json"

-- wrk script: every request carries a distinct, ignored query parameter, so
-- that no answer can come from the server's answer cache (the uncached path).
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. "&nocache=" .. counter .. "-" .. math.random(1000000000))
end

-- wrk script: POST a user with a name no other request of this run uses.
-- The first script argument is a prefix unique to the run: wrk -s post.lua URL -- PREFIX
local prefix = "run"
local counter = 0

init = function(args)
  prefix = args[1] or prefix
end

request = function()
  counter = counter + 1
  local body = '{"name":"' .. prefix .. "-" .. counter .. '"}'
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end

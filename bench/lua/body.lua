-- Send one request body read from a file (JSON or multipart), to the URL's path or to a
-- random path from a list file. Arguments after "--": method, body file, content type,
-- then optionally an Authorization header value and a file of paths (one a line).
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")

local paths, headers, body, method = {}, {}, nil, nil

function init(args)
  seed_random()
  method = args[1]
  local file = assert(io.open(args[2], "rb"))
  body = file:read("*a")
  file:close()
  headers["Content-Type"] = args[3]
  if args[4] and args[4] ~= "" then
    headers["Authorization"] = args[4]
  end
  if args[5] then
    for line in io.lines(args[5]) do
      paths[#paths + 1] = line
    end
  end
end

function request()
  local path = nil
  if #paths > 0 then
    path = paths[math.random(#paths)]
  end
  -- wrk.format adds Host and Content-Length; a fresh table, as it writes into it.
  local h = {}
  for k, v in pairs(headers) do h[k] = v end
  return wrk.format(method, path, h, body)
end

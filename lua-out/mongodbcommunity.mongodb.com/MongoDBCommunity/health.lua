-- mas-health: MongoDBCommunity (phase)
local a, b, c, d, e, f, g, h, k, l
if type(obj) == "table" then a, d = obj.spec, obj.status end
if type(a) == "table" then b, c = a.members, a.version end
if type(d) == "table" then e, f, g, h = d.currentMongoDBMembers, d.message, d.phase, d.version end
local function i(j) return type(j) == "string" and j ~= "" and j end
if g == "Running" and c ~= nil and h ~= nil and type(c) ~= "table" and type(h) ~= "table" and c ~= h then k, l = "Progressing", i(c) and "upgrading to MongoDB " .. c or "upgrading MongoDB"
elseif g == "Running" and b ~= nil and e ~= nil and type(b) ~= "table" and type(e) ~= "table" and b ~= e then k, l = "Progressing", "scaling the replica set"
elseif g == "Running" then k, l = "Healthy", (i(h) and "MongoDB " .. h or "MongoDB") .. " is running"
else k, l = "Progressing", (i(g) and "phase " .. g or "waiting for the MongoDB operator") .. (i(f) and ": " .. f or "") end
return {status = k, message = l}

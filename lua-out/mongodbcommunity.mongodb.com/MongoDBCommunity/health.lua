-- mas-health: MongoDBCommunity (phase)
-- The first case that holds decides: Running an older version -> Progressing;
--   Running with another member count -> Progressing; phase Running -> Healthy;
--   otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local spec, members, version, status, current_mongo_dbmembers, status_message, phase, status_version,
      verdict, message
if type(obj) == "table" then spec, status = obj.spec, obj.status end
if type(spec) == "table" then members, version = spec.members, spec.version end
if type(status) == "table" then current_mongo_dbmembers, status_message, phase, status_version = status.currentMongoDBMembers, status.message, status.phase, status.version end
local function text(value) return type(value) == "string" and value ~= "" and value end
if phase == "Running" and version ~= nil and status_version ~= nil and type(version) ~= "table" and type(status_version) ~= "table" and version ~= status_version then
  verdict, message = "Progressing", text(version) and "upgrading to MongoDB " .. version or "upgrading MongoDB"
elseif phase == "Running" and members ~= nil and current_mongo_dbmembers ~= nil and type(members) ~= "table" and type(current_mongo_dbmembers) ~= "table" and members ~= current_mongo_dbmembers then
  verdict, message = "Progressing", "scaling the replica set"
elseif phase == "Running" then
  verdict, message = "Healthy", (text(status_version) and "MongoDB " .. status_version or "MongoDB") .. " is running"
else
  verdict, message = "Progressing", (text(phase) and "phase " .. phase or "waiting for the MongoDB operator") .. (text(status_message) and ": " .. status_message or "")
end
return {status = verdict, message = message}

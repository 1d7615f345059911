-- mas-health: OLM Subscription
-- The first case that holds decides: InstallPlanFailed is True -> Degraded;
--   ResolutionFailed is True -> Degraded; installed and at the latest known version -> Healthy;
--   installed, upgrade waiting for manual approval -> Healthy;
--   installed, upgrade in progress -> Progressing; resolution failed and is retried -> Progressing;
--   catalog sources unhealthy -> Progressing; upgrade failed -> Degraded;
--   no status yet -> Progressing; otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local spec, install_plan_approval, status, conditions, current_csv, installed_csv, state,
      install_plan_failed, resolution_failed_not_error_prevented, resolution_failed_error_prevented,
      catalog_sources_unhealthy, install_plan_failed_message,
      resolution_failed_not_error_prevented_message, resolution_failed_error_prevented_message,
      catalog_sources_unhealthy_message, verdict, message
if type(obj) == "table" then spec, status = obj.spec, obj.status end
if type(spec) == "table" then install_plan_approval = spec.installPlanApproval end
if type(status) == "table" then conditions, current_csv, installed_csv, state = status.conditions, status.currentCSV, status.installedCSV, status.state end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      local condition_type, condition_status, condition_reason = condition.type, condition.status, condition.reason
      if not install_plan_failed and condition_type == "InstallPlanFailed" and condition_status == "True" then install_plan_failed, install_plan_failed_message = condition, condition.message end
      if not resolution_failed_not_error_prevented and condition_type == "ResolutionFailed" and condition_status == "True" and condition_reason ~= "ErrorPreventedResolution" then resolution_failed_not_error_prevented, resolution_failed_not_error_prevented_message = condition, condition.message end
      if not resolution_failed_error_prevented and condition_type == "ResolutionFailed" and condition_status == "True" and condition_reason == "ErrorPreventedResolution" then resolution_failed_error_prevented, resolution_failed_error_prevented_message = condition, condition.message end
      if not catalog_sources_unhealthy and condition_type == "CatalogSourcesUnhealthy" and condition_status == "True" then catalog_sources_unhealthy, catalog_sources_unhealthy_message = condition, condition.message end
    end
  end
end
local function text(value) return type(value) == "string" and value ~= "" and value end
local state_matches = state == "UpgradePending" or state == "UpgradeAvailable"
if install_plan_failed then
  verdict, message = "Degraded", text(install_plan_failed_message) or "the install plan failed"
elseif resolution_failed_not_error_prevented then
  verdict, message = "Degraded", text(resolution_failed_not_error_prevented_message) or "dependency resolution failed"
elseif installed_csv ~= nil and state == "AtLatestKnown" then
  verdict, message = "Healthy", text(installed_csv) and "installed " .. installed_csv or "installed"
elseif installed_csv ~= nil and state_matches and install_plan_approval == "Manual" then
  verdict, message = "Healthy", text(installed_csv) and "upgrade waiting for approval; running " .. installed_csv or "upgrade waiting for approval"
elseif installed_csv ~= nil and state_matches then
  verdict, message = "Progressing", text(current_csv) and "upgrading to " .. current_csv or "upgrade pending"
elseif resolution_failed_error_prevented then
  verdict, message = "Progressing", text(resolution_failed_error_prevented_message) or "dependency resolution is retried"
elseif catalog_sources_unhealthy then
  verdict, message = "Progressing", text(catalog_sources_unhealthy_message) or "catalog sources are unhealthy"
elseif state == "UpgradeFailed" then
  verdict, message = "Degraded", text(current_csv) and "upgrade failed: " .. current_csv or "upgrade failed"
elseif status == nil then
  verdict, message = "Progressing", "waiting for OLM to resolve the subscription"
else
  verdict, message = "Progressing", text(state) and "state " .. state or "waiting for OLM to install the operator"
end
return {status = verdict, message = message}

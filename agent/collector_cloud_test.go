package agent

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
)

// The AWS Customer Carbon Footprint Tool's data export, with every
// column Amazon documents (Data Exports, "Carbon emissions columns"):
// MTCO2e sent as kg, market-based, a period ending on its last day or on
// the next month's first.
func TestCloudReadsTheAWSCarbonExport(t *testing.T) {
	t.Parallel()
	acts, h := trySample(t, sample(t, "cloud"), map[string]string{"exports/aws-carbon-emissions.csv": "last_refresh_timestamp,location,model_version,payer_account_id,product_code,region_code,total_lbm_emissions_unit,total_lbm_emissions_value,total_mbm_emissions_unit,total_mbm_emissions_value,usage_account_id,usage_period_end,usage_period_start\n" +
		"2025-03-20 08:00:00Z,EU (Paris),v3.0.0,111122223333,AmazonEC2,eu-west-3,MTCO2e,0.034,MTCO2e,0.012,444455556666,2025-02-01 00:00:00Z,2025-01-01 00:00:00Z\n" +
		"2025-03-20 08:00:00Z,EU (Paris),v3.0.0,111122223333,AmazonS3,eu-west-3,MTCO2e,0.004,MTCO2e,0.001,444455556666,2025-02-01 00:00:00Z,2025-01-01 00:00:00Z\n" +
		"2025-03-20 08:00:00Z,US East (N. Virginia),v3.0.0,111122223333,AmazonEC2,us-east-1,MTCO2e,0.2,MTCO2e,0.05,444455556666,2025-01-31 23:59:59Z,2025-01-01 00:00:00Z\n" +
		"2025-03-20 08:00:00Z,Global,v3.0.0,111122223333,AmazonCloudFront,,MTCO2e,0.003,,,444455556666,2025-02-01 00:00:00Z,2025-01-01 00:00:00Z\n"})
	require.Empty(t, h.Rejections)
	assert.Equal(t, map[string]float64{
		"2025-01-01–2025-02-01 reported method=market;provider=aws;region=eu-west-3;service=AmazonEC2": 12,
		"2025-01-01–2025-02-01 reported method=market;provider=aws;region=eu-west-3;service=AmazonS3":  1,
		"2025-01-01–2025-02-01 reported method=market;provider=aws;region=us-east-1;service=AmazonEC2": 50,
		"2025-01-01–2025-02-01 reported method=location;provider=aws;service=AmazonCloudFront":         3,
	}, cloudGot(t, acts))
}

// Google Cloud's Carbon Footprint export (its BigQuery schema saved as
// CSV): kilograms, market-based where given.
func TestCloudReadsTheGoogleCarbonFootprintExport(t *testing.T) {
	t.Parallel()
	acts, h := trySample(t, sample(t, "cloud"), map[string]string{"exports/gcp.csv": "usage_month,billing_account_id,project.id,project.number,service.description,service.id,location.location,location.region,carbon_model_version,carbon_footprint_total_kgCO2e.location_based,carbon_footprint_total_kgCO2e.market_based,carbon_footprint_kgCO2e.scope1,carbon_footprint_kgCO2e.scope2.location_based,carbon_footprint_kgCO2e.scope2.market_based,carbon_footprint_kgCO2e.scope3\n" +
		"2025-01-01,007GD7-15C0E6-BDE6B3,cc-prod,802583874831,Compute Engine,6F81-5844-456A,europe-west1-b,europe-west1,12,40.5,12.25,0.1,30.2,1.95,10.2\n" +
		"2025-01-01,007GD7-15C0E6-BDE6B3,cc-prod,802583874831,Cloud Storage,95FF-2EF5-5EA1,europe-west1,europe-west1,12,3.5,,0.01,2.5,,0.99\n"},
		"report: aws", "report: gcp", "exports/aws-carbon-emissions.csv", "exports/gcp.csv")
	require.Empty(t, h.Rejections)
	assert.Equal(t, map[string]float64{
		"2025-01-01–2025-02-01 reported method=market;provider=gcp;region=europe-west1;service=Compute Engine":  12.25,
		"2025-01-01–2025-02-01 reported method=location;provider=gcp;region=europe-west1;service=Cloud Storage": 3.5,
	}, cloudGot(t, acts))
}

// Microsoft's EnrollmentEmission rows (Cloud for Sustainability API, the
// Emissions Impact Dashboard's data): one row per scope, summed; mtCO2e.
func TestCloudReadsTheAzureEmissionsRows(t *testing.T) {
	t.Parallel()
	acts, h := trySample(t, sample(t, "cloud"), map[string]string{"exports/azure.csv": "dateKey,enrollmentId,orgName,subscriptionId,subscriptionName,azureServiceName,subService,azureRegionName,scope,scopeId,totalEmissions\n" +
		"20250101,12345678,Contoso,0f4b-sub,contact-centre,Virtual Machines,Compute,westeurope,Scope 1,1,0.0005\n" +
		"20250101,12345678,Contoso,0f4b-sub,contact-centre,Virtual Machines,Compute,westeurope,Scope 2,2,0.004\n" +
		"20250101,12345678,Contoso,0f4b-sub,contact-centre,Virtual Machines,Compute,westeurope,Scope 3,3,0.011\n" +
		"20250201,12345678,Contoso,0f4b-sub,contact-centre,Virtual Machines,Compute,westeurope,Scope 2,2,x\n"},
		"report: aws", "report: azure", "exports/aws-carbon-emissions.csv", "exports/azure.csv")
	assert.Equal(t, map[string]float64{
		"2025-01-01–2025-02-01 reported method=market;provider=azure;region=westeurope;service=Virtual Machines": 15.5,
	}, cloudGot(t, acts))
	require.Len(t, h.Rejections, 1)
	assert.Equal(t, "azure.csv:5", h.Rejections[0].Where)
}

// A usage export, estimated at the central: vCPU-hours, GB-months made
// TB-hours over the month's hours, TB transferred made GB.
func TestCloudReadsAUsageExport(t *testing.T) {
	t.Parallel()
	acts, h := trySample(t, sample(t, "cloud"), map[string]string{"exports/usage.csv": "month,item,quantity,unit,region\n" +
		"2025-01,compute,10000,vCPU-hours,eu-west-3\n2025-01,storage_ssd,5000,TB-hours,eu-west-3\n" +
		"2025-02,storage_hdd,1000,GB-month,eu-west-3\n2025-02,transfer,2,TB,eu-west-3\n2025-02,gpu,1,hours,eu-west-3\n"},
		"report: aws\n", "report: usage\n    provider: aws\n", "exports/aws-carbon-emissions.csv", "exports/usage.csv")
	assert.Equal(t, map[string]float64{
		"2025-01-01–2025-02-01 compute provider=aws;region=eu-west-3":     10000,
		"2025-01-01–2025-02-01 storage_ssd provider=aws;region=eu-west-3": 5000,
		"2025-02-01–2025-03-01 storage_hdd provider=aws;region=eu-west-3": 672, // 1 TB × 28 days × 24 h
		"2025-02-01–2025-03-01 transfer provider=aws;region=eu-west-3":    2000,
	}, cloudGot(t, acts))
	require.Len(t, h.Rejections, 1)
	assert.Contains(t, h.Rejections[0].Reason, "want compute in vCPU-hours")
}

// cloudGot is the records by "start item attrs" → quantity.
func cloudGot(t *testing.T, acts []footprint.Activity) map[string]float64 {
	t.Helper()
	got := map[string]float64{}
	for _, a := range acts {
		require.Equal(t, footprint.KindCloud, a.Kind)
		got[a.Start.String()+"–"+a.End.String()+" "+a.Item+" "+footprint.FormatAttrs(a.Attrs)] = a.Quantity
	}
	return got
}

//! The AWS Certified Data Engineer – Associate services are curated: each resolves by the
//! name the exam guide uses and meets the minimums a learner relies on.

use awsgraph::KnowledgeGraph;
use awsgraph::model::Source;

/// In-scope services as the exam guide names them.
const EXAM_SERVICES: &[&str] = &[
    "Athena",
    "EMR",
    "Glue",
    "Glue DataBrew",
    "Lake Formation",
    "Managed Service for Apache Flink",
    "Data Firehose",
    "Kinesis Data Streams",
    "MSK",
    "OpenSearch Service",
    "QuickSight",
    "AppFlow",
    "EventBridge",
    "MWAA",
    "SNS",
    "SQS",
    "Step Functions",
    "Budgets",
    "Cost Explorer",
    "Batch",
    "EC2",
    "Lambda",
    "SAM",
    "ECR",
    "ECS",
    "EKS",
    "DocumentDB",
    "DynamoDB",
    "Keyspaces",
    "MemoryDB",
    "Neptune",
    "RDS",
    "Aurora",
    "Redshift",
    "CLI",
    "CDK",
    "CodeBuild",
    "CodeCommit",
    "CodeDeploy",
    "CodePipeline",
    "API Gateway",
    "SageMaker",
    "CloudFormation",
    "CloudTrail",
    "CloudWatch",
    "CloudWatch Logs",
    "Config",
    "Managed Grafana",
    "Systems Manager",
    "Well-Architected Tool",
    "Application Discovery Service",
    "Application Migration Service",
    "DMS",
    "DataSync",
    "Schema Conversion Tool",
    "Snow Family",
    "Transfer Family",
    "CloudFront",
    "PrivateLink",
    "Route 53",
    "VPC",
    "IAM",
    "KMS",
    "Macie",
    "Secrets Manager",
    "Shield",
    "WAF",
    "Backup",
    "EBS",
    "EFS",
    "S3",
    "S3 Glacier",
];

#[test]
fn every_exam_service_is_curated_with_the_minimums() {
    let g = KnowledgeGraph::builtin().expect("shipped graph loads");
    let mut problems = Vec::new();
    for name in EXAM_SERVICES {
        let Some(key) = g.resolve(name) else {
            problems.push(format!("{name}: does not resolve"));
            continue;
        };
        let n = g.node(key);
        let mut lacks = Vec::new();
        if !n.curated {
            lacks.push("curation".to_string());
        }
        if n.summary.is_empty() {
            lacks.push("summary".into());
        }
        if n.aliases.is_empty() {
            lacks.push("aliases".into());
        }
        if n.properties.len() < 3 {
            lacks.push(format!("3 properties (has {})", n.properties.len()));
        }
        let degree = g.links(key).len();
        if degree < 3 {
            lacks.push(format!("3 relations (has {degree})"));
        }
        let has_doc = n.sources.iter().any(|s| matches!(s, Source::Url(_)))
            || n.properties
                .iter()
                .any(|p| matches!(p.source, Some(Source::Url(_))));
        if !has_doc {
            lacks.push("an AWS documentation URL".into());
        }
        if !lacks.is_empty() {
            problems.push(format!("{name} ({}): lacks {}", n.id, lacks.join(", ")));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn renamed_services_keep_their_old_names() {
    let g = KnowledgeGraph::builtin().unwrap();
    for (old, new) in [
        ("CloudWatch Events", "EventBridge"),
        ("Kinesis Data Firehose", "Firehose"),
        ("Kinesis Data Analytics", "ManagedFlink"),
    ] {
        let key = g
            .resolve(old)
            .unwrap_or_else(|| panic!("{old} does not resolve"));
        assert_eq!(g.node(key).id, new, "{old}");
        let replaced: Vec<String> = g
            .links(key)
            .iter()
            .filter(|l| l.relation.id == "replaces")
            .map(|l| g.node(l.other).name.clone())
            .collect();
        assert!(
            replaced.iter().any(|n| n.contains(old)),
            "{new} should replace a node named after {old}; replaces {replaced:?}"
        );
    }
}

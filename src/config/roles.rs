//! Field roles: what a field means to the generator beyond its type.
//!
//! The generator shows some fields in special places: a page's summary under
//! its title and on cards, its colour on hub chips and the hub map, its
//! source at the foot of the page, a figure's data as a chart. Which field
//! plays which [`Role`] is resolved once, when `site.yaml` is read: a field
//! declares it with `role: summary`, or a field named like the role's
//! default (`summary`, `color`, `source`, `data`, …) takes it when its type
//! fits. A role that does not exist, or does not fit its field's type, is a
//! configuration error, so a site whose kinds name these fields differently
//! never silently renders without them.

use super::{FieldDef, FieldType};

/// What a field means to the generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Markdown text shown under the title, on cards and in search results.
    Summary,
    /// A colour for the page's chip, card edge and hub-map node.
    Color,
    /// The page's source: an object with `file` (and `section`).
    Source,
    /// A figure's data: a list of objects with `label` and `value` or `values`.
    Chart,
    /// The names of a chart's series (a list of strings).
    ChartSeries,
    /// The unit of a chart's numbers.
    ChartUnit,
    /// A figure's number, shown before its title where it is embedded.
    Number,
    /// An image of the page, shown in link previews when the page is shared.
    Image,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 8] =
        [Role::Summary, Role::Color, Role::Source, Role::Chart, Role::ChartSeries, Role::ChartUnit, Role::Number, Role::Image];

    /// The name written after `role:` in `site.yaml`.
    pub fn name(self) -> &'static str {
        match self {
            Role::Summary => "summary",
            Role::Color => "color",
            Role::Source => "source",
            Role::Chart => "chart",
            Role::ChartSeries => "chart_series",
            Role::ChartUnit => "chart_unit",
            Role::Number => "number",
            Role::Image => "image",
        }
    }

    /// The field name that takes the role when no field declares it.
    pub fn default_field(self) -> &'static str {
        match self {
            Role::Chart => "data",
            Role::ChartSeries => "series",
            Role::ChartUnit => "unit",
            other => other.name(),
        }
    }

    /// What the field's type must be, for messages.
    fn wants(self) -> &'static str {
        match self {
            Role::Summary => "`text`",
            Role::Color => "`color`",
            Role::Source => "an object with a `file` field",
            Role::Chart => "a list of objects with `label` and `value` or `values`",
            Role::ChartSeries => "a list of strings",
            Role::ChartUnit | Role::Number => "`string`",
            Role::Image => "`url` or `string` (a path in the site)",
        }
    }

    /// Whether a field of type `ty` can play this role.
    pub fn fits(self, ty: &FieldType) -> bool {
        match (self, ty) {
            (Role::Summary, FieldType::Text) | (Role::Color, FieldType::Color) => true,
            (Role::Source, FieldType::Object(fields)) => has(fields, "file"),
            (Role::Chart, FieldType::List { of, .. }) => {
                matches!(&**of, FieldType::Object(f) if has(f, "label") && (has(f, "value") || has(f, "values")))
            }
            (Role::ChartSeries, FieldType::List { of, .. }) => matches!(**of, FieldType::String),
            (Role::ChartUnit | Role::Number | Role::Image, FieldType::String) | (Role::Image, FieldType::Url) => true,
            _ => false,
        }
    }

    fn by_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }
}

fn has(fields: &[FieldDef], name: &str) -> bool {
    fields.iter().any(|f| f.name == name)
}

/// The field (by index in the kind's fields) that plays each role, if any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Roles([Option<usize>; Role::ALL.len()]);

impl Roles {
    /// The index of the field that plays `role`.
    pub fn get(&self, role: Role) -> Option<usize> {
        self.0[role as usize]
    }
}

/// A role that could not be given, with the text to point at.
#[derive(Debug)]
pub struct RoleError {
    /// Text in `site.yaml` to place the error at.
    pub needle: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// Gives roles to `fields`: those `declared` (field name, role name) first,
/// then each role still free to the field of its default name, when its type fits.
pub fn assign<'a>(fields: &[FieldDef], declared: impl Iterator<Item = (&'a str, &'a str)>) -> Result<Roles, Vec<RoleError>> {
    let mut roles = Roles::default();
    let mut errors = Vec::new();
    for (field, role_name) in declared {
        match declare(fields, field, role_name, &roles) {
            Ok((role, index)) => roles.0[role as usize] = Some(index),
            Err(e) => errors.push(e),
        }
    }
    for role in Role::ALL {
        if roles.get(role).is_none() {
            roles.0[role as usize] = fields.iter().position(|f| f.name == role.default_field() && role.fits(&f.ty));
        }
    }
    if errors.is_empty() { Ok(roles) } else { Err(errors) }
}

fn declare(fields: &[FieldDef], field: &str, role_name: &str, roles: &Roles) -> Result<(Role, usize), RoleError> {
    let needle = format!("role: {role_name}");
    let Some(role) = Role::by_name(role_name) else {
        let names: Vec<&str> = Role::ALL.iter().map(|r| r.name()).collect();
        let hint = crate::diagnostics::closest(role_name, &names).map_or(String::new(), |b| format!("did you mean `{b}`? "));
        let help = format!("{hint}the roles are: {}", names.join(", "));
        return Err(RoleError { needle, message: format!("field `{field}` has unknown role `{role_name}`"), help });
    };
    let index = fields.iter().position(|f| f.name == field).ok_or_else(|| RoleError {
        needle: needle.clone(),
        message: format!("field `{field}` with role `{role_name}` has errors of its own"),
        help: "fix the field's type first".into(),
    })?;
    if !role.fits(&fields[index].ty) {
        let message = format!("field `{field}` cannot have role `{role_name}`: its type is {}", fields[index].ty.describe());
        return Err(RoleError { needle, message, help: format!("a `{role_name}` field must be {}", role.wants()) });
    }
    if let Some(other) = roles.get(role) {
        let message = format!("fields `{}` and `{field}` both have role `{role_name}`", fields[other].name);
        return Err(RoleError { needle, message, help: "give each role to one field of the kind".into() });
    }
    Ok((role, index))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, ty: FieldType) -> FieldDef {
        FieldDef { name: name.into(), label: name.into(), required: false, facet: false, ty }
    }

    #[test]
    fn roles_default_by_name_when_the_type_fits() {
        let fields = [field("summary", FieldType::Text), field("color", FieldType::String)];
        let roles = assign(&fields, std::iter::empty()).unwrap();
        assert_eq!(roles.get(Role::Summary), Some(0));
        assert_eq!(roles.get(Role::Color), None, "a string is not a colour");
    }

    #[test]
    fn declared_roles_win_and_are_checked() {
        let fields = [field("resume", FieldType::Text), field("summary", FieldType::Text)];
        let roles = assign(&fields, [("resume", "summary")].into_iter()).unwrap();
        assert_eq!(roles.get(Role::Summary), Some(0));
        let errors = assign(&fields, [("resume", "sumary")].into_iter()).unwrap_err();
        assert!(errors[0].message.contains("unknown role `sumary`") && errors[0].help.contains("did you mean `summary`?"));
        let errors = assign(&fields, [("resume", "color")].into_iter()).unwrap_err();
        assert!(errors[0].message.contains("cannot have role `color`"), "{}", errors[0].message);
    }
}
